"""What staff change besides decisions: a participant's name, address or organization
corrected, and a participant added by hand (nominated by letter, by telephone …).

Each change is a ``decision`` row (who, when, what was there before, and the staff's
note). A corrected address is mailed to the nominator (``participant_updated``) in the
same transaction, and a participant who already had access instructions gets them again
at the new address. A participant added by hand is registered pending with the note of
where the nomination came from, then confirmed through
``bot.staff.review.decide_participant`` like any other decision.
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.access.hooks import settle_access
from bot.app import Services
from bot.errors import UserError
from bot.notify.context import event_view, person
from bot.notify.languages import nominator_languages
from bot.notify.outbox.queue import enqueue
from bot.reading.addresses import normalise
from bot.staff.review import decide_participant
from bot.store.models import Decision, Participant, utcnow
from bot.text import clean_header
from bot.vocab import Change, ParticipantStatus, StaffChange, Template

MAX_TEXT = 300
GOVERNMENT_FORMS = "ISO 3166 alpha-2 code such as KE, or ORG:<id>"


def plain(value: str | None, limit: int = MAX_TEXT) -> str | None:
    """A value typed in a form as one line of text, or None when blank."""
    return clean_header(value, limit) or None


def participant_address(services: Services, value: str | None) -> str:
    """A participant's address, validated and lower-cased, or a UserError."""
    typed = (value or "").strip()
    address = normalise(typed)
    if address is None or address != typed.lower():
        raise UserError(f"{typed!r} is not an e-mail address")
    if address in services.config.own_addresses():
        raise UserError(f"{address} is the secretariat's own address, not a participant's")
    return address


def government_code(value: str | None) -> str | None:
    code = (value or "").strip()
    if not code:
        return None
    if code[:4].upper() == "ORG:" and len(code) > 4:
        return "ORG:" + code[4:].strip().lower()
    if len(code) == 2 and code.isalpha():
        return code.upper()
    raise UserError(f"government: {code!r} is not an {GOVERNMENT_FORMS}")


def _was(old: str | None, note: str | None) -> str:
    return f"was {old or '(none)'}" + (f"; {note}" if note else "")


def _log(session: Session, row: Participant, action: str, who: str, reason: str | None) -> None:
    session.add(
        Decision(
            participant_id=row.id,
            action=action,
            from_status=row.status,
            to_status=row.status,
            actor=who,
            reason=reason,
        )
    )


def _tell_nominator(services: Services, session: Session, row: Participant, old: str) -> bool:
    """Queue ``participant_updated`` to whoever nominated ``row``; False if nobody to tell."""
    event = services.event(row.event_slug)
    nominator = row.nominated_by
    if event is None or not nominator or nominator in (row.email, old):
        return False
    if nominator in services.config.own_addresses():
        return False
    enqueue(
        session,
        services.writer,
        to=nominator,
        to_name=None,
        template=Template.PARTICIPANT_UPDATED,
        languages=nominator_languages(session, row, event),
        context={
            "event": event_view(event),
            "participant": person(row),
            "previous_email": old,
            "recipient_name": None,
        },
        participant_id=row.id,
    )
    return True


@dataclass
class Edited:
    """What an edit changed."""

    participant: Participant
    changed: list[str]
    nominator_told: bool = False


def _taken(session: Session, row: Participant, address: str) -> bool:
    return (
        session.exec(
            select(Participant.id).where(
                Participant.event_slug == row.event_slug,
                Participant.email == address,
                Participant.id != row.id,
            )
        ).first()
        is not None
    )


def edit_participant(
    services: Services,
    participant_id: int,
    who: str,
    *,
    name: str | None,
    email: str | None,
    organization: str | None,
    note: str | None = None,
) -> Edited:
    """Correct a participant's details; one decision row per field that changed."""
    note = plain(note)
    with Session(services.engine, expire_on_commit=False) as session:
        row = session.get(Participant, participant_id)
        if row is None:
            raise UserError(f"no participant {participant_id}")
        result = Edited(row, [])
        for field, action, value in (
            ("name", StaffChange.CORRECT_NAME, plain(name)),
            ("organization", StaffChange.CORRECT_ORGANIZATION, plain(organization)),
        ):
            old = getattr(row, field)
            if value != old:
                setattr(row, field, value)
                _log(session, row, action, who, _was(old, note))
                result.changed.append(field)
        address = participant_address(services, email)
        old_address = row.email
        if address != old_address:
            if _taken(session, row, address):
                raise UserError(f"{address} is already registered for {row.event_slug}")
            row.email = address
            _log(session, row, Change.CORRECT_ADDRESS, who, _was(old_address, note))
            result.changed.append("email")
        if not result.changed:
            return result
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        if "email" in result.changed:
            result.nominator_told = _tell_nominator(services, session, row, old_address)
            settle_access(services, session, row.event_slug, [row.email])
        try:
            session.commit()
        except IntegrityError:
            raise UserError(f"{row.email} is already registered for {row.event_slug}") from None
        return result


@dataclass(frozen=True)
class NewParticipant:
    """A participant added by hand, as typed in the form."""

    event: str
    email: str
    source: str  # where the nomination came from ("letter of 3 July")
    name: str | None = None
    organization: str | None = None
    government: str | None = None
    nominated_by: str | None = None


def add_by_hand(services: Services, new: NewParticipant, who: str) -> Participant:
    """Register and confirm a participant nominated outside the inbox."""
    event = services.event(new.event)
    if event is None:
        raise UserError(f"no event {new.event!r}")
    source = plain(new.source)
    if not source:
        raise UserError("say where the nomination came from (e.g. letter of 3 July)")
    address = participant_address(services, new.email)
    nominator = participant_address(services, new.nominated_by) if new.nominated_by else None
    government = government_code(new.government)
    with Session(services.engine, expire_on_commit=False) as session:
        existing = session.exec(
            select(Participant).where(
                Participant.event_slug == event.slug, Participant.email == address
            )
        ).first()
        if existing is not None:
            raise UserError(f"{address} is already registered for {event.slug} ({existing.status})")
        row = Participant(
            event_slug=event.slug,
            email=address,
            name=plain(new.name),
            organization=plain(new.organization),
            country=government if government and len(government) == 2 else None,
            government=government,
            status=ParticipantStatus.PENDING,
            nominated_by=nominator,
            source=f"by hand: {source}",
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise UserError(f"{address} is already registered for {event.slug}") from None
        session.add(
            Decision(
                participant_id=row.id,
                action=StaffChange.ADD_BY_HAND,
                from_status=None,
                to_status=ParticipantStatus.PENDING,
                actor=who,
                reason=source,
            )
        )
        session.commit()
    return decide_participant(services, str(row.id), Change.ACCEPT, source, event.slug, who)
