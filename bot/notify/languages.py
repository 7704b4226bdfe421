"""Which language a mail about a participant is written in: the language of the message
that nominated them, else the nominator's directory entry, else the event's default."""

from sqlmodel import Session

from bot.policy.events import Event
from bot.store.directory import roles_of
from bot.store.models import InboundMessage, Nomination, Participant


def nominator_languages(
    session: Session, participant: Participant, event: Event | None
) -> tuple[str | None, ...]:
    """The language preference for mail to ``participant``'s nominator (or about them)."""
    message_language = None
    nomination = (
        session.get(Nomination, participant.nomination_id) if participant.nomination_id else None
    )
    if nomination is not None:
        inbound = session.get(InboundMessage, nomination.inbound_message_id)
        message_language = inbound.language if inbound else None
    directory_language = None
    if participant.nominated_by:
        directory_language = next(
            (r.language for r in roles_of(session, participant.nominated_by) if r.language), None
        )
    return (message_language, directory_language, event.spec.language if event else None)
