"""``nombot access resend EMAIL [--event SLUG]``: a fresh copy of one participant's access
mail (same calendar UIDs, a higher SEQUENCE), for a participant who lost it or whose
own link changed; ``access_sent_at`` is updated with the outbox row."""

from sqlmodel import Session, select

from bot.access.mail import queue_access
from bot.access.publish import check_access, published_at
from bot.app import Services
from bot.errors import UserError
from bot.store.models import Participant
from bot.vocab import Flag, ParticipantStatus


def _participant(session: Session, email: str, slug: str | None) -> Participant:
    query = select(Participant).where(Participant.email == email.strip().lower())
    if slug:
        query = query.where(Participant.event_slug == slug)
    rows = list(session.exec(query).all())
    if not rows:
        raise UserError(f"no participant {email}" + (f" in {slug}" if slug else ""))
    if len(rows) > 1:
        events = ", ".join(sorted(r.event_slug for r in rows))
        raise UserError(f"{email} is registered for several events ({events}); add --event")
    return rows[0]


def resend_access(services: Services, email: str, slug: str | None = None) -> Participant:
    """Queue the copy and commit; a UserError says why when it cannot be sent."""
    with Session(services.engine, expire_on_commit=False) as session:
        row = _participant(session, email, slug)
        event = services.event(row.event_slug)
        if event is None:
            raise UserError(f"{row.event_slug}: no such event in the rules any more")
        kit = check_access(services, event)
        if published_at(session, event.slug) is None:
            raise UserError(
                f"access to {event.slug} is not published yet (nombot access publish {event.slug})"
            )
        if row.status != ParticipantStatus.CONFIRMED:
            raise UserError(f"{row.email} is {row.status}: only confirmed participants get access")
        if Flag.UNDELIVERABLE in row.flags:
            raise UserError(f"{row.email} is marked undeliverable (mail to it bounced)")
        if row.email in services.config.own_addresses():
            raise UserError(f"{row.email} is one of the secretariat's own addresses")
        if queue_access(session, kit, row, resend=True) is None:
            raise UserError(f"{row.email}: changed by another process meanwhile; try again")
        session.commit()
        return row
