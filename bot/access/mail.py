"""Queueing one participant's access mail, or its cancellation, in the caller's transaction.

The participant's row is claimed first with a compare-and-set on ``access_sent_at`` (or
``access_cancelled_at``): the UPDATE only matches while the row is still as it was read,
so two processes deciding at once queue one mail, not two. The outbox row is added in
the same transaction, so a crash loses neither or keeps both.

The two timestamps are the state: access is *live* when ``access_sent_at`` is set and no
later ``access_cancelled_at`` is; a confirmed participant of a published event without
live access gets the access mail, a withdrawn or rejected one with live access gets the
cancellation. Undeliverable addresses and the secretariat's own get nothing.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr

from sqlalchemy import func, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from bot.access.calendar import Invitation, Method, Party, sittings
from bot.access.instructions import InstructionsBook
from bot.app import Services
from bot.notify.context import event_view, person
from bot.notify.languages import nominator_languages
from bot.notify.outbox.verp import new_token
from bot.policy.events import Event
from bot.store.models import AccessLink, OutboxMail, Participant, utcnow
from bot.vocab import Flag, ParticipantStatus, Template

log = logging.getLogger(__name__)
ACCESS_TEMPLATES = (Template.ACCESS, Template.ACCESS_CANCELLED)
LEAVING_STATUSES = (ParticipantStatus.WITHDRAWN, ParticipantStatus.REJECTED)


def access_live(row: Participant) -> bool:
    """The participant holds access instructions that were not cancelled since."""
    sent, cancelled = row.access_sent_at, row.access_cancelled_at
    return sent is not None and (cancelled is None or cancelled < sent)


def reachable(services: Services, row: Participant) -> bool:
    """Mail to this participant can arrive: not bounced, not one of our own addresses."""
    return Flag.UNDELIVERABLE not in row.flags and row.email not in services.config.own_addresses()


def needs_access(services: Services, row: Participant) -> bool:
    return (
        row.status == ParticipantStatus.CONFIRMED
        and reachable(services, row)
        and not access_live(row)
    )


def needs_cancellation(services: Services, row: Participant) -> bool:
    return row.status in LEAVING_STATUSES and reachable(services, row) and access_live(row)


@dataclass
class AccessKit:
    """What every access mail of one event needs, gathered once per run."""

    services: Services
    event: Event
    book: InstructionsBook

    @classmethod
    def build(cls, services: Services, event: Event) -> "AccessKit":
        return cls(services, event, InstructionsBook(services.config.rules_path, event))

    @property
    def organizer(self) -> Party:
        config = self.services.config
        name, _ = parseaddr(config.outbox.sender)
        address = parseaddr(config.outbox.reply_to or "")[1] or config.sender_address
        return Party(address.lower(), name or None)


def _claim(session: Session, row: Participant, column: str, extra: list) -> bool:
    """Set ``column`` to now if the row still holds what was read: True when this
    transaction won the row (the in-session object is updated too)."""
    attribute = getattr(Participant, column)
    old = getattr(row, column)
    unchanged = attribute.is_(None) if old is None else attribute == old
    result = session.execute(
        update(Participant)
        .where(Participant.id == row.id, unchanged, *extra)
        .values({column: utcnow()})
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def _link(session: Session, event: Event, row: Participant) -> tuple[str | None, bool]:
    """(the participant's own link if one was imported, else the event's; whether own)."""
    own = session.exec(
        select(AccessLink).where(AccessLink.event_slug == event.slug, AccessLink.email == row.email)
    ).first()
    if own is not None:
        return own.url, True
    return (event.access.url if event.access else None), False


def _sequence(session: Session, row: Participant) -> int:
    """How many invitations and cancellations this participant was already sent."""
    count = session.exec(
        select(func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.participant_id == row.id, OutboxMail.template.in_(ACCESS_TEMPLATES))
    ).one()
    return int(count)


def session_views(event: Event) -> list[dict]:
    """Each session's day and times in the event's zone and in UTC, for the templates."""

    def span(starts: datetime, ends: datetime) -> str:
        days = (ends.date() - starts.date()).days
        return f"{starts:%H:%M}–{ends:%H:%M}" + (f" (+{days})" if days else "")

    views = []
    for sitting in sittings(event):
        starts_utc, ends_utc = sitting.starts.astimezone(UTC), sitting.ends.astimezone(UTC)
        views.append(
            {
                "day": sitting.starts.date(),
                "local": span(sitting.starts, sitting.ends),
                "utc_day": starts_utc.date(),
                "utc": span(starts_utc, ends_utc),
                "starts": sitting.starts,
                "ends": sitting.ends,
            }
        )
    return views


def _render(
    session: Session,
    kit: AccessKit,
    row: Participant,
    template: Template,
    method: Method,
) -> OutboxMail:
    """The outbox row of the mail in the nominator's language with its invitation attached.

    Only reads: rendered before the claim, so a failure here leaves nothing written."""
    services, event = kit.services, kit.event
    writer = services.writer
    language = writer.language_for(template, *nominator_languages(session, row, event))
    url, own = _link(session, event, row)
    instructions = kit.book.get(language) if method is Method.REQUEST else None
    context = {
        "event": event_view(event),
        "participant": person(row),
        "access_url": url,
        "own_link": own,
        "instructions_text": instructions.text if instructions else None,
        "instructions_html": instructions.html if instructions else None,
        "sessions": session_views(event),
    }
    invitation = Invitation(
        event=event,
        organizer=kit.organizer,
        attendee=Party(row.email, row.name),
        url=url,
        description="\n\n".join(p for p in (url, context["instructions_text"]) if p),
        sequence=_sequence(session, row),
        stamp=utcnow().replace(microsecond=0),
    )
    rendered = writer.compose(
        to=row.email, to_name=row.name, name=template, languages=(language,), context=context
    )
    message = rendered.message
    message.add_attachment(
        invitation.ics(method),
        maintype="text",
        subtype="calendar",
        filename=f"{event.slug}.ics",
        params={"method": str(method), "charset": "utf-8"},
    )
    # Attaching made the message multipart/mixed and moved Content-* headers to its
    # first part: say the language on the message itself again.
    del message["Content-Language"]
    message["Content-Language"] = language
    return OutboxMail(
        template=template,
        to_email=row.email,
        subject=rendered.subject,
        message_id=rendered.message_id,
        bounce_token=new_token(),
        participant_id=row.id,
        data=rendered.data,
    )


def queue_access(
    session: Session,
    kit: AccessKit,
    row: Participant,
    *,
    resend: bool = False,
) -> OutboxMail | None:
    """Queue ``row``'s access mail and set ``access_sent_at`` (same transaction).

    Nothing is queued unless the participant is confirmed and reachable and — unless
    ``resend`` — holds no live access already; nor when another transaction got there
    first. The caller checks that the event is published."""
    if row.status != ParticipantStatus.CONFIRMED or not reachable(kit.services, row):
        return None
    if not resend and access_live(row):
        return None
    mail = _render(session, kit, row, Template.ACCESS, Method.REQUEST)
    confirmed = Participant.status == ParticipantStatus.CONFIRMED
    if not _claim(session, row, "access_sent_at", [confirmed]):
        return None
    session.add(mail)
    return mail


def queue_cancellation(session: Session, kit: AccessKit, row: Participant) -> OutboxMail | None:
    """Queue the cancellation of ``row``'s live access and set ``access_cancelled_at``."""
    if not needs_cancellation(kit.services, row):
        return None
    mail = _render(session, kit, row, Template.ACCESS_CANCELLED, Method.CANCEL)
    sent = row.access_sent_at
    if not _claim(session, row, "access_cancelled_at", [Participant.access_sent_at == sent]):
        return None
    session.add(mail)
    return mail


def readdressed(session: Session, row: Participant) -> bool:
    """The participant's address was corrected since their live access was mailed."""
    if not access_live(row):
        return False
    last = session.exec(
        select(OutboxMail.to_email)
        .where(OutboxMail.participant_id == row.id, OutboxMail.template == Template.ACCESS)
        .order_by(OutboxMail.id.desc())
        .limit(1)
    ).first()
    return last is not None and last != row.email


def settle(
    session: Session, kit: AccessKit, row: Participant, *, readdress: bool = False
) -> Template | None:
    """Bring one participant of a published event in line: access or cancellation (and,
    with ``readdress``, a copy to an address corrected since the access was mailed)."""
    if readdress and readdressed(session, row):
        return Template.ACCESS if queue_access(session, kit, row, resend=True) else None
    if needs_access(kit.services, row) and queue_access(session, kit, row):
        return Template.ACCESS
    if needs_cancellation(kit.services, row) and queue_cancellation(session, kit, row):
        return Template.ACCESS_CANCELLED
    return None


def settle_safely(
    session: Session,
    kit: AccessKit,
    row: Participant,
    failures: dict[str, str],
    *,
    readdress: bool = False,
) -> Template | None:
    """``settle``, but a mail that cannot be rendered (an unreadable instructions file, a
    broken site template) is logged and noted in ``failures`` instead of undoing the
    caller's transaction: nothing was written for it, so a later run tries again.
    Database errors still propagate: the transaction is lost with them."""
    try:
        return settle(session, kit, row, readdress=readdress)
    except SQLAlchemyError:
        raise
    except Exception as exc:
        log.exception("access mail for %s (%s) not queued", row.email, kit.event.slug)
        failures[row.email] = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        return None
