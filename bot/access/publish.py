"""Publishing an event's access: the moment from which its confirmed participants get
their instructions. ``Event.access_published_at`` (the database's ``event`` row) is the
switch; it is set by ``nombot access publish SLUG`` or, once ``[access] publish_at`` has
passed, by the dispatch job — whichever comes first, exactly once (a conditional UPDATE).

Publishing queues, in the same transaction, one mail per confirmed participant who has
none; the outbox sends them at its next flush.
"""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import Session, select

from bot.access.mail import AccessKit, settle_safely
from bot.app import Services
from bot.errors import ConfigError, UserError
from bot.policy.events import Event
from bot.store.models import Event as EventRow
from bot.store.models import Participant, utcnow
from bot.vocab import Template


@dataclass
class Settled:
    """What one pass over an event's participants queued."""

    slug: str
    published_at: datetime | None = None
    newly_published: bool = False
    access: list[str] = field(default_factory=list)  # addresses sent their access
    cancelled: list[str] = field(default_factory=list)  # addresses sent a cancellation
    failed: dict[str, str] = field(default_factory=dict)  # address -> why nothing was queued


def valid_url(url: str | None) -> bool:
    if not url or any(c.isspace() or ord(c) < 32 for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_access(services: Services, event: Event) -> AccessKit:
    """The event's access kit, or a ConfigError saying what its ``[access]`` lacks."""
    access = event.access
    if access is None:
        raise ConfigError(f"{event.path}: no [access] section (url, instructions, publish_at)")
    if not access.url and not access.instructions:
        raise ConfigError(f"{event.path}: access: give a url, instructions, or both")
    if access.url and not valid_url(access.url):
        raise ConfigError(f"{event.path}: access.url: {access.url!r} is not an http(s) address")
    kit = AccessKit.build(services, event)
    kit.book.check()
    return kit


def publish_at_utc(event: Event) -> datetime | None:
    """``[access] publish_at`` as an instant (local time in the event's zone when naive)."""
    moment = event.access.publish_at if event.access else None
    if moment is None:
        return None
    return moment.replace(tzinfo=event.zone) if moment.tzinfo is None else moment


def event_row(session: Session, event: Event) -> EventRow:
    row = session.exec(select(EventRow).where(EventRow.slug == event.slug)).first()
    if row is None:  # the services mirror every event at start-up; this is a safety net
        row = EventRow(
            slug=event.slug,
            name=event.name,
            deadline_utc=event.deadline_utc,
            timezone=event.spec.timezone,
        )
        session.add(row)
        session.flush()
    return row


def published_at(session: Session, slug: str) -> datetime | None:
    return session.exec(select(EventRow.access_published_at).where(EventRow.slug == slug)).first()


def mark_published(session: Session, event: Event) -> tuple[datetime, bool]:
    """Set the event's publication time unless already set: (the time, whether now)."""
    row = event_row(session, event)
    result = session.execute(
        update(EventRow)
        .where(EventRow.id == row.id, EventRow.access_published_at.is_(None))
        .values(access_published_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    session.refresh(row)
    assert row.access_published_at is not None
    return row.access_published_at, result.rowcount == 1


def settle_event(session: Session, kit: AccessKit, report: Settled) -> Settled:
    """Queue what every participant of a published event is owed (access or cancellation)."""
    rows = session.exec(
        select(Participant).where(Participant.event_slug == kit.event.slug).order_by(Participant.id)
    ).all()
    for row in rows:
        done = settle_safely(session, kit, row, report.failed)
        if done == Template.ACCESS:
            report.access.append(row.email)
        elif done == Template.ACCESS_CANCELLED:
            report.cancelled.append(row.email)
    return report


def publish_event(session: Session, kit: AccessKit) -> Settled:
    """Publish (if not yet) and queue what is owed, in the caller's transaction."""
    moment, newly = mark_published(session, kit.event)
    return settle_event(session, kit, Settled(kit.event.slug, moment, newly))


def publish(services: Services, slug: str) -> Settled:
    """``nombot access publish SLUG``: publish now, queue the mails, commit."""
    event = services.event(slug)
    if event is None:
        known = ", ".join(e.slug for e in services.events) or "none"
        raise UserError(f"no event {slug!r} (events: {known})")
    kit = check_access(services, event)
    with Session(services.engine, expire_on_commit=False) as session:
        report = publish_event(session, kit)
        session.commit()
    return report
