"""Retention: an event's personal data is purged a set number of days after it ends.

``retention_days`` of the event file, else ``[retention] days`` of the configuration
(0 = never). From midnight after the last day of the event plus that many days (in the
event's timezone), everything the bot holds about the event's people goes: its
participants and the decisions about them, their own access links, the nominations, the
messages routed to the event with their raw bytes, the reminders' records and every mail
written to or because of any of them. One transaction per event; a ``purge_record`` row
keeps the counts (no names, no addresses) and the digest reports it. ``nombot purge
--dry-run`` lists what would go; the scheduled job and ``nombot purge`` remove it.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from bot.app import Services
from bot.policy.events import Event
from bot.store.models import (
    AccessLink,
    Decision,
    InboundMessage,
    Nomination,
    OutboxMail,
    Participant,
    PurgeRecord,
    RawMessage,
    ReminderSent,
    utcnow,
)


@dataclass
class Purge:
    """One event past its retention period and what it holds (or held)."""

    event: str
    due_at: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def retention_days(services: Services, event: Event) -> int:
    own = event.spec.retention_days
    return services.config.retention.days if own is None else own


def purge_due_at(services: Services, event: Event) -> datetime | None:
    """When the event's personal data goes, or None when it is kept for good."""
    days = retention_days(services, event)
    if days == 0:
        return None
    after = event.spec.ends + timedelta(days=days + 1)
    return datetime.combine(after, time.min, event.zone)


class _Scope:
    """The ids of one event's rows, and the statements that delete them in order."""

    def __init__(self, session: Session, slug: str) -> None:
        self.slug = slug
        self.participants = select(Participant.id).where(Participant.event_slug == slug)
        self.nominations = select(Nomination.id).where(Nomination.event_slug == slug)
        self.messages = select(InboundMessage.id).where(
            or_(
                InboundMessage.event_slug == slug,
                col(InboundMessage.id).in_(
                    select(Nomination.inbound_message_id).where(Nomination.event_slug == slug)
                ),
            )
        )
        self.session = session

    def tables(self) -> list[tuple[str, type, object]]:
        """(name, model, condition) in the order the rows can be deleted."""
        mails = or_(
            col(OutboxMail.participant_id).in_(self.participants),
            col(OutboxMail.inbound_message_id).in_(self.messages),
        )
        return [
            ("decisions", Decision, col(Decision.participant_id).in_(self.participants)),
            ("mails", OutboxMail, mails),
            ("access_links", AccessLink, AccessLink.event_slug == self.slug),
            ("reminders", ReminderSent, ReminderSent.event_slug == self.slug),
            ("participants", Participant, Participant.event_slug == self.slug),
            ("nominations", Nomination, Nomination.event_slug == self.slug),
            ("raw_messages", RawMessage, col(RawMessage.inbound_message_id).in_(self.messages)),
            ("messages", InboundMessage, col(InboundMessage.id).in_(self.messages)),
        ]

    def counts(self) -> dict[str, int]:
        found = {}
        for name, model, condition in self.tables():
            found[name] = self.session.exec(
                select(func.count()).select_from(model).where(condition)
            ).one()
        return found

    def delete(self) -> None:
        # Ids first: later statements select on rows the earlier ones delete.
        participants = list(self.session.exec(self.participants).all())
        messages = list(self.session.exec(self.messages).all())
        self.participants = select(Participant.id).where(col(Participant.id).in_(participants))
        self.messages = select(InboundMessage.id).where(col(InboundMessage.id).in_(messages))
        for _, model, condition in self.tables():
            self.session.exec(delete(model).where(condition))


def due_purges(services: Services, now: datetime | None = None) -> list[Purge]:
    """The events past their retention period that still hold personal data."""
    now = now or utcnow()
    found = []
    with Session(services.engine) as session:
        for event in services.events:
            due = purge_due_at(services, event)
            if due is None or now < due:
                continue
            plan = Purge(event.slug, due, _Scope(session, event.slug).counts())
            if plan.total:
                found.append(plan)
    return found


def purge(services: Services, now: datetime | None = None) -> list[Purge]:
    """Remove the personal data of every event past its retention period."""
    done = []
    for plan in due_purges(services, now):
        with Session(services.engine) as session:
            scope = _Scope(session, plan.event)
            plan.counts = scope.counts()  # what is there now, in this transaction
            scope.delete()
            session.add(PurgeRecord(event_slug=plan.event, counts=plan.counts))
            session.commit()
        done.append(plan)
    return done
