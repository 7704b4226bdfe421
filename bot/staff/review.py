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


def find_participants(session: Session, target: str, event: str | None) -> list[Participant]:
    query = select(Participant)
    if target.isdigit():
        query = query.where(Participant.id == int(target))
    else:
        query = query.where(Participant.email == target.strip().lower())
    if event:
        query = query.where(Participant.event_slug == event)
    rows = list(session.exec(query).all())
    if not rows:
        raise UserError(f"no participant {target}" + (f" in {event}" if event else ""))
    if len(rows) > 1:
        events = ", ".join(sorted(r.event_slug for r in rows))
        raise UserError(f"{target} is registered for several events ({events}); add --event")
    return rows


def decide_participant(
    services: Services,
    target: str,
    action: Change,
    reason: str | None,
    event: str | None = None,
    who: str | None = None,
) -> Participant:
    """Apply a staff decision; mails the participant and the nominator (one transaction)."""
    new_status = STATUS_OF_ACTION[action]
    with Session(services.engine, expire_on_commit=False) as session:
        row = find_participants(session, target, event)[0]
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
                actor=who or actor(),
                reason=reason,
            )
        )
        session.flush()
        event_rule = services.event(row.event_slug)
        if event_rule is not None:
            context = {
                "event": event_view(event_rule),
                "participant": person(row),
                "action": action,
                "reason": reason,
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
        session.commit()
        return row
