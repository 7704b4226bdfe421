"""The daily digest for secretariat staff: what came in, what waits for them, what broke.

Covers the time since the previous digest (the last 24 hours for the first one): messages
by outcome; per event the participants by status, the governments whose focal points have
not nominated yet, counts by government and organization and where the access
instructions stand; the review queue with reasons and a link (``[digest] review_url``) or
the command for each item, and how to decide by replying when ``[staff] addresses`` are
set; late, held and unauthorized mail and bounced addresses; and the bot's health (last
successful poll, inbox and outgoing-mail errors, the outbox backlog, the directory
refresh). Written in the secretariat's language (``[digest] language``), as
HTML and text, with every participant attached as a CSV file (UTF-8 with a BOM, so that
spreadsheet programs show accents). Sent at most once per day: its Message-ID is derived
from the date, and the outbox refuses a second row with the same id.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.app import Services
from bot.notify.outbox.queue import enqueue
from bot.policy.coverage import governments
from bot.policy.events import Event
from bot.staff.health import health, no_health
from bot.staff.reports import PARTICIPANT_FIELDS, as_csv, participant_rows
from bot.store.models import InboundMessage, OutboxMail, Participant, utcnow
from bot.vocab import (
    ACTIVE_STATUSES,
    NOMINATING_KINDS,
    AuthResult,
    Flag,
    Kind,
    Outcome,
    ParticipantStatus,
    ReasonCode,
    Template,
)

CSV_NAME = "participants.csv"
ATTENTION_OUTCOMES = (Outcome.LATE, Outcome.HELD, Outcome.UNAUTHORIZED)


@dataclass
class EventDigest:
    """One event's part of the digest."""

    slug: str
    name: str
    deadline: datetime  # in the digest's timezone
    statuses: dict[str, int] = field(default_factory=dict)
    new_participants: int = 0
    nominated: int = 0  # governments with a confirmed or pending participant
    not_nominated: list[dict] = field(default_factory=list)  # country, nominators
    by_government: list[dict] = field(default_factory=list)  # country, count
    by_organization: list[dict] = field(default_factory=list)  # organization, count
    access: dict = field(default_factory=dict)  # published_at, sent, waiting, cancelled


@dataclass
class Digest:
    """The figures of one digest; rendered by templates/_digest.{txt,html}.j2."""

    day: date
    since: datetime
    outcomes: dict[str, int] = field(default_factory=dict)
    events: list[EventDigest] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)
    review_url: str | None = None
    by_mail: bool = False  # staff may decide by replying (``[staff] addresses``)
    attention: list[dict] = field(default_factory=list)  # late / held / unauthorized mail
    undeliverable: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    unverified: int = 0
    # Delivery reports citing no mail we sent (forged, or about someone else's mail).
    unmatched_bounces: list[dict] = field(default_factory=list)
    health: dict = field(default_factory=no_health)

    def context(self) -> dict:
        return {"digest": asdict(self)}


def _ranked(counter: Counter) -> dict[str, int]:
    return dict(counter.most_common())


def unmatched_bounces(messages: list[InboundMessage]) -> list[dict]:
    """The delivery reports among ``messages`` that were recorded as unmatched."""
    found = []
    for m in messages:
        codes = {r.get("code"): r for r in m.reasons or [] if isinstance(r, dict)}
        reason = codes.get(ReasonCode.UNMATCHED_BOUNCE)
        if m.kind == Kind.BOUNCE and reason is not None:
            found.append(
                {
                    "received_at": m.received_at,
                    "from": m.from_email,
                    "subject": m.subject,
                    "addresses": reason.get("addresses", ""),
                }
            )
    return found


def previous_digest_at(session: Session) -> datetime | None:
    """When the last digest was queued, if one ever was."""
    return session.exec(
        select(func.max(OutboxMail.created_at)).where(OutboxMail.template == Template.DIGEST)
    ).one()


def _access(session: Session, event: Event, rows: list[Participant]) -> dict:
    from bot.access.publish import published_at

    confirmed = [p for p in rows if p.status == ParticipantStatus.CONFIRMED]
    reachable = [p for p in confirmed if Flag.UNDELIVERABLE not in p.flags]
    return {
        "configured": event.access is not None,
        "published_at": published_at(session, event.slug),
        "sent": sum(1 for p in confirmed if p.access_sent_at),
        "waiting": sum(1 for p in reachable if not p.access_sent_at),
        "cancelled": sum(1 for p in rows if p.access_cancelled_at),
    }


def event_digest(session: Session, event: Event, since: datetime, zone: ZoneInfo) -> EventDigest:
    """Where one event stands: participants, governments, access."""
    rows = session.exec(select(Participant).where(Participant.event_slug == event.slug)).all()
    active = [p for p in rows if p.status in ACTIVE_STATUSES]
    summary = EventDigest(event.slug, event.name, event.deadline_utc.astimezone(zone))
    summary.statuses = _ranked(Counter(p.status for p in rows))
    summary.new_participants = sum(1 for p in rows if p.nominated_at >= since)
    states = governments(session, event)
    summary.nominated = sum(1 for g in states if g.nominated)
    summary.not_nominated = [
        {"country": g.country, "nominators": sorted({f.email for f in g.nominators})}
        for g in states
        if not g.nominated
    ]
    by_government = Counter(p.government or "" for p in active)
    summary.by_government = [{"country": k, "count": v} for k, v in by_government.most_common()]
    by_organization = Counter(p.organization for p in active if p.organization)
    summary.by_organization = [
        {"organization": k, "count": v} for k, v in by_organization.most_common()
    ]
    summary.access = _access(session, event, rows)
    return summary


def _pending(session: Session) -> list[dict]:
    rows = session.exec(
        select(Participant)
        .where(Participant.status == ParticipantStatus.PENDING)
        .order_by(Participant.id)
    ).all()
    return [
        {
            "id": p.id,
            "event": p.event_slug,
            "name": p.name,
            "email": p.email,
            "government": p.government,
            "nominated_by": p.nominated_by,
            "flags": list(p.flags),
            "reasons": list(p.reasons),
        }
        for p in rows
    ]


def _messages(digest: Digest, recent: list[InboundMessage]) -> None:
    """What the messages since the previous digest add: outcomes, mail to look at."""
    digest.outcomes = _ranked(Counter(m.outcome for m in recent))
    digest.unverified = sum(
        1 for m in recent if m.auth_result == AuthResult.NONE and m.kind in NOMINATING_KINDS
    )
    digest.unmatched_bounces = unmatched_bounces(recent)
    digest.errors = [
        {"subject": m.subject, "from": m.from_email, "error": m.error}
        for m in recent
        if m.outcome == Outcome.ERROR
    ]
    digest.attention = [
        {
            "outcome": m.outcome,
            "received_at": m.received_at,
            "from": m.from_email,
            "subject": m.subject,
            "event": m.event_slug,
        }
        for m in recent
        if m.outcome in ATTENTION_OUTCOMES
    ]


def build_digest(services: Services, now: datetime | None = None) -> Digest:
    config = services.config
    zone = ZoneInfo(config.digest.timezone)
    now = now or utcnow()
    with Session(services.engine) as session:
        since = previous_digest_at(session) or now - timedelta(days=1)
        digest = Digest(day=now.astimezone(zone).date(), since=since.astimezone(zone))
        digest.review_url = config.digest.review_url
        digest.by_mail = bool(config.staff.addresses)
        recent = session.exec(
            select(InboundMessage)
            .where(InboundMessage.processed_at >= since)
            .order_by(InboundMessage.received_at)
        ).all()
        _messages(digest, list(recent))
        digest.events = [event_digest(session, e, since, zone) for e in services.events]
        digest.pending = _pending(session)
        digest.undeliverable = [
            {"event": p.event_slug, "name": p.name, "email": p.email}
            for p in session.exec(select(Participant).order_by(Participant.id)).all()
            if Flag.UNDELIVERABLE in p.flags and p.status in ACTIVE_STATUSES
        ]
        digest.health = health(session, since, zone)
    return digest


def render_digest(services: Services, digest: Digest) -> tuple[str, str | None, str | None]:
    """(text, html, subject) in the secretariat's language."""
    language = services.writer.language_for(Template.DIGEST, services.config.digest.language)
    return services.writer.render(Template.DIGEST, language, digest.context())


def participants_csv(services: Services) -> bytes:
    """Every participant of every event, as the CSV export, with a BOM for spreadsheets."""
    rows = participant_rows(services.engine)
    return ("\ufeff" + as_csv(rows, PARTICIPANT_FIELDS)).encode("utf-8")


def queue_digest(services: Services, digest: Digest) -> bool:
    """Queue the digest for ``digest.to``; False when today's was already queued."""
    recipients = services.config.digest.to
    if not recipients:
        return False
    attachment = participants_csv(services)
    with Session(services.engine) as session:
        for address in recipients:
            enqueue(
                session,
                services.writer,
                to=address,
                to_name=None,
                template=Template.DIGEST,
                languages=(services.config.digest.language,),
                context=digest.context(),
                message_id=f"<digest-{digest.day.isoformat()}-{address}@"
                f"{services.config.mail_domain}>",
                attachments=[(CSV_NAME, "text/csv", attachment)],
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True
