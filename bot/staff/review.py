"""The review queue: what the rules did not decide alone, and the staff's decisions.

Every decision is stored with who, when and why, and queues mail to the participant and
to the focal point who nominated them.
"""

import getpass
from dataclasses import dataclass

from sqlmodel import Session, select

from bot.access.hooks import settle_access
from bot.app import Services
from bot.errors import UserError
from bot.notify.context import event_view, person
from bot.notify.languages import nominator_languages
from bot.notify.outbox.queue import enqueue
from bot.store.models import Decision, InboundMessage, Nomination, Participant, utcnow
from bot.vocab import Change, ParticipantStatus, Template

STATUS_OF_ACTION = {
    Change.ACCEPT: ParticipantStatus.CONFIRMED,
    Change.REJECT: ParticipantStatus.REJECTED,
    Change.WITHDRAW: ParticipantStatus.WITHDRAWN,
}


@dataclass
class ReviewItem:
    participant: Participant
    nomination: Nomination | None
    message: InboundMessage | None

    @property
    def government(self) -> str | None:
        """The government (or organization) the participant would be counted for."""
        if self.participant.government:
            return self.participant.government
        return self.nomination.government if self.nomination is not None else None


@dataclass(frozen=True)
class QueueFilter:
    """Which pending participants to show; an empty field matches everything."""

    event: str | None = None
    flag: str | None = None
    government: str | None = None

    def matches(self, item: ReviewItem) -> bool:
        row = item.participant
        if self.event and row.event_slug != self.event:
            return False
        if self.flag and self.flag not in row.flags:
            return False
        return not self.government or (item.government or "").upper() == self.government.upper()


def actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "staff"


def review_queue(services: Services) -> list[ReviewItem]:
    with Session(services.engine) as session:
        rows = session.exec(
            select(Participant)
            .where(Participant.status == ParticipantStatus.PENDING)
            .order_by(Participant.event_slug, Participant.id)
        ).all()
        items = []
        for row in rows:
            nomination = session.get(Nomination, row.nomination_id) if row.nomination_id else None
            message = (
                session.get(InboundMessage, nomination.inbound_message_id) if nomination else None
            )
            items.append(ReviewItem(row, nomination, message))
        return items


def pending_of_message(session: Session, message_id: int) -> list[Participant]:
    """Every pending participant nominated by one inbound message (its database id)."""
    if session.get(InboundMessage, message_id) is None:
        raise UserError(f"no message #{message_id}")
    rows = list(
        session.exec(
            select(Participant)
            .join(Nomination, Participant.nomination_id == Nomination.id)
            .where(
                Nomination.inbound_message_id == message_id,
                Participant.status == ParticipantStatus.PENDING,
            )
            .order_by(Participant.id)
        ).all()
    )
    if not rows:
        raise UserError(f"message #{message_id} has no pending participant")
    return rows


def matching_participants(session: Session, target: str, event: str | None) -> list[Participant]:
    """The participants a target names: an id, or an address (one per event)."""
    query = select(Participant)
    if target.isdigit():
        query = query.where(Participant.id == int(target))
    else:
        query = query.where(Participant.email == target.strip().lower())
    if event:
        query = query.where(Participant.event_slug == event)
    return list(session.exec(query).all())


def find_participants(session: Session, target: str, event: str | None) -> list[Participant]:
    """The one participant a target names, or a ``UserError`` saying why not."""
    rows = matching_participants(session, target, event)
    if not rows:
        raise UserError(f"no participant {target}" + (f" in {event}" if event else ""))
    if len(rows) > 1:
        events = ", ".join(sorted(r.event_slug for r in rows))
        raise UserError(f"{target} is registered for several events ({events}); add --event")
    return rows


def decision_targets(
    services: Services,
    targets: list[str],
    message_id: int | None,
    event: str | None,
    action: Change,
) -> list[int]:
    """The ids of the participants a decision is about: each of ``targets`` (an id or an
    address) and every pending participant of ``message_id``. Refused as a whole when one
    is unknown or already has the decision's status."""
    new_status = STATUS_OF_ACTION[action]
    with Session(services.engine) as session:
        rows = [row for target in targets for row in find_participants(session, target, event)]
        if message_id is not None:
            rows += pending_of_message(session, message_id)
    unique = {row.id: row for row in rows if row.id is not None}
    done = [row.email for row in unique.values() if row.status == new_status]
    if done:
        verb = "is" if len(done) == 1 else "are"
        nothing = "; nothing was decided" if len(unique) > 1 else ""
        raise UserError(f"{', '.join(done)} {verb} already {new_status}{nothing}")
    return list(unique)


def decide_participant(
    services: Services,
    target: str,
    action: Change,
    reason: str | None,
    event: str | None = None,
    who: str | None = None,
    *,
    note: str | None = None,
    staff_message: str | None = None,
) -> Participant:
    """Apply a staff decision; mails the participant and the nominator (one transaction).

    ``reason`` and ``staff_message`` are mailed (the reason in the template's sentence,
    the message as a paragraph of its own); ``note`` is only stored with the decision.
    """
    with Session(services.engine, expire_on_commit=False) as session:
        row = find_participants(session, target, event)[0]
        record_decision(
            services, session, row, action, reason, who or actor(),
            note=note, staff_message=staff_message,
        )  # fmt: skip
        session.commit()
        return row


def record_decision(
    services: Services,
    session: Session,
    row: Participant,
    action: Change,
    reason: str | None,
    who: str,
    *,
    note: str | None = None,
    staff_message: str | None = None,
) -> None:
    """``decide_participant`` inside a transaction the caller commits (a decision taken
    by e-mail is written with the message that carried it)."""
    new_status = STATUS_OF_ACTION[action]
    if row.status == new_status:
        raise UserError(f"{row.email} is already {new_status}")
    previous = row.status
    row.status = new_status
    row.updated_at = utcnow()
    session.add(row)
    session.add(
        Decision(
            participant_id=row.id,
            action=action,
            from_status=previous,
            to_status=new_status,
            actor=who,
            reason=reason,
            note=note,
            message=staff_message,
        )
    )
    session.flush()
    event_rule = services.event(row.event_slug)
    if event_rule is None:
        return
    context = {
        "event": event_view(event_rule),
        "participant": person(row),
        "action": action,
        "reason": reason,
        "staff_message": staff_message,
    }
    languages = nominator_languages(session, row, event_rule)
    recipients = [(row.email, row.name)]
    if row.nominated_by and row.nominated_by != row.email:
        recipients.append((row.nominated_by, None))
    own = services.config.own_addresses()
    for address, name in recipients:
        if address in own:
            continue
        enqueue(
            session,
            services.writer,
            to=address,
            to_name=name,
            template=Template.DECISION,
            languages=languages,
            context={**context, "recipient_name": name},
            participant_id=row.id,
        )
    # Confirmed after publication: access now; withdrawn or rejected: cancellation.
    settle_access(services, session, row.event_slug, [row.email])
