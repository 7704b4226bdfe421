"""What an event's dashboard shows: participants by status, the deadline in the event's
time zone, which governments (and organizations) have nominated and which could but have
not yet, and where the access instructions stand.

A government "could nominate" when the directory has a focal point for it in one of the
event's nominating roles or fallback roles; it "has nominated" when at least one of its
participants is confirmed or pending.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.access.mail import needs_access
from bot.access.publish import publish_at_utc, published_at
from bot.app import Services
from bot.policy.events import Event
from bot.store.models import FocalPoint, InboundMessage, OutboxMail, Participant, utcnow
from bot.vocab import ACTIVE_STATUSES, MailStatus, ParticipantStatus, Template
from bot.web.wording import government_label


@dataclass
class Government:
    """A government (ISO 3166 alpha-2) or an organization (``ORG:<id>``)."""

    code: str
    label: str
    roles: list[str] = field(default_factory=list)  # its focal points' roles that nominate
    participants: int = 0  # confirmed or pending


@dataclass
class AccessState:
    configured: bool  # the event file has an [access] section
    published_at: datetime | None = None
    publish_at: datetime | None = None  # when the dispatch job publishes it by itself
    sent: int = 0  # access mails the outbox has sent
    queued: int = 0  # access mails waiting in the outbox
    failed: int = 0
    waiting: int = 0  # confirmed participants without live access (before publication: all)


@dataclass
class Dashboard:
    event: Event
    statuses: dict[str, int]
    pending_flags: Counter
    outcomes: Counter
    deadline_passed: bool
    nominated: list[Government]
    not_nominated: list[Government]
    access: AccessState


def _by_label(government: Government) -> str:
    return government.label.casefold()


def _governments(session: Session, event: Event) -> tuple[list[Government], list[Government]]:
    roles = [*event.spec.nominating_roles, *event.spec.fallback_roles]
    directory: dict[str, Government] = {}
    for row in session.exec(
        select(FocalPoint).where(FocalPoint.role.in_(roles)).order_by(FocalPoint.country)
    ).all():
        entry = directory.setdefault(
            row.country, Government(row.country, government_label(row.country, row.organization))
        )
        if row.role not in entry.roles:
            entry.roles.append(row.role)
    counts = session.exec(
        select(Participant.government, func.count())
        .where(Participant.event_slug == event.slug, Participant.status.in_(ACTIVE_STATUSES))
        .group_by(Participant.government)
    ).all()
    nominated = []
    for code, count in counts:
        if not code:
            continue
        entry = directory.pop(code, None) or Government(code, government_label(code))
        entry.participants = count
        nominated.append(entry)
    return sorted(nominated, key=_by_label), sorted(directory.values(), key=_by_label)


def _access(services: Services, session: Session, event: Event) -> AccessState:
    state = AccessState(configured=event.access is not None)
    if event.access is None:
        return state
    state.published_at = published_at(session, event.slug)
    state.publish_at = publish_at_utc(event)
    mails = session.exec(
        select(OutboxMail.status, func.count())
        .join(Participant, OutboxMail.participant_id == Participant.id)
        .where(Participant.event_slug == event.slug, OutboxMail.template == Template.ACCESS)
        .group_by(OutboxMail.status)
    ).all()
    for status, count in mails:
        if status == MailStatus.SENT:
            state.sent += count
        elif status == MailStatus.FAILED:
            state.failed += count
        else:
            state.queued += count
    confirmed = session.exec(
        select(Participant).where(
            Participant.event_slug == event.slug,
            Participant.status == ParticipantStatus.CONFIRMED,
        )
    ).all()
    state.waiting = sum(1 for row in confirmed if needs_access(services, row))
    return state


def event_dashboard(services: Services, event: Event) -> Dashboard:
    with Session(services.engine) as session:
        by_status = dict(
            session.exec(
                select(Participant.status, func.count())
                .where(Participant.event_slug == event.slug)
                .group_by(Participant.status)
            ).all()
        )
        pending = session.exec(
            select(Participant.flags).where(
                Participant.event_slug == event.slug,
                Participant.status == ParticipantStatus.PENDING,
            )
        ).all()
        outcomes = Counter(
            session.exec(
                select(InboundMessage.outcome).where(InboundMessage.event_slug == event.slug)
            ).all()
        )
        nominated, not_nominated = _governments(session, event)
        access = _access(services, session, event)
    return Dashboard(
        event=event,
        statuses={str(s): by_status.get(s, 0) for s in ParticipantStatus},
        pending_flags=Counter(flag for flags in pending for flag in flags),
        outcomes=outcomes,
        deadline_passed=utcnow() > event.deadline_utc,
        nominated=nominated,
        not_nominated=not_nominated,
        access=access,
    )
