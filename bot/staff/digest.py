"""The daily digest for secretariat staff: what came in, what waits for them, what broke.

Covers the last 24 hours (or since the previous digest): messages by outcome, new
participants per event, the review queue with reasons, mail that arrived without the
receiving server's ``Authentication-Results`` (so its sender could not be checked), and
the health of the inbox and the outgoing mail. Sent at most once per day: its Message-ID
is derived from the date, and the outbox refuses a second row with the same id.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.app import Services
from bot.notify.outbox.queue import enqueue
from bot.store.models import InboundMessage, MailboxState, OutboxMail, Participant, utcnow
from bot.vocab import (
    NOMINATING_KINDS,
    AuthResult,
    Kind,
    MailStatus,
    Outcome,
    ParticipantStatus,
    ReasonCode,
)


@dataclass
class Digest:
    """The figures of one digest; rendered by templates/<lang>/digest.*.j2."""

    day: date
    since: datetime
    outcomes: Counter = field(default_factory=Counter)
    per_event: dict[str, Counter] = field(default_factory=dict)
    new_participants: int = 0
    pending: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    unverified: int = 0
    outbox_waiting: int = 0
    outbox_failed: list[dict] = field(default_factory=list)
    outbox_error: str | None = None
    inboxes: list[dict] = field(default_factory=list)
    # Delivery reports citing no mail we sent (forged, or about someone else's mail).
    unmatched_bounces: list[dict] = field(default_factory=list)

    def context(self) -> dict:
        return {"digest": self}


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


def build_digest(services: Services, now: datetime | None = None) -> Digest:
    config = services.config
    zone = ZoneInfo(config.digest.timezone)
    now = now or utcnow()
    since = now - timedelta(days=1)
    digest = Digest(day=now.astimezone(zone).date(), since=since)
    with Session(services.engine) as session:
        recent = session.exec(
            select(InboundMessage).where(InboundMessage.processed_at >= since)
        ).all()
        digest.outcomes = Counter(m.outcome for m in recent)
        digest.unverified = sum(
            1 for m in recent if m.auth_result == AuthResult.NONE and m.kind in NOMINATING_KINDS
        )
        digest.unmatched_bounces = unmatched_bounces(recent)
        digest.errors = [
            {"subject": m.subject, "from": m.from_email, "error": m.error}
            for m in recent
            if m.outcome == Outcome.ERROR
        ]
        counts = session.exec(
            select(Participant.event_slug, Participant.status, func.count()).group_by(
                Participant.event_slug, Participant.status
            )
        ).all()
        for slug, status, count in counts:
            digest.per_event.setdefault(slug, Counter())[status] = count
        digest.new_participants = session.exec(
            select(func.count()).select_from(Participant).where(Participant.nominated_at >= since)
        ).one()
        digest.pending = [
            {
                "id": p.id,
                "event": p.event_slug,
                "name": p.name,
                "email": p.email,
                "flags": list(p.flags),
                "reasons": list(p.reasons),
            }
            for p in session.exec(
                select(Participant)
                .where(Participant.status == ParticipantStatus.PENDING)
                .order_by(Participant.id)
            ).all()
        ]
        waiting = session.exec(
            select(OutboxMail).where(OutboxMail.status.in_((MailStatus.QUEUED, MailStatus.SENDING)))
        ).all()
        digest.outbox_waiting = len(waiting)
        digest.outbox_error = next((m.last_error for m in waiting if m.last_error), None)
        digest.outbox_failed = [
            {"to": m.to_email, "subject": m.subject, "error": m.last_error}
            for m in session.exec(
                select(OutboxMail).where(
                    OutboxMail.status == MailStatus.FAILED, OutboxMail.created_at >= since
                )
            ).all()
        ]
        digest.inboxes = [
            {
                "mailbox": s.mailbox,
                "checked_at": s.checked_at,
                "failing_since": s.failing_since,
                "error": s.last_error,
            }
            for s in session.exec(select(MailboxState)).all()
        ]
    return digest


def render_digest(services: Services, digest: Digest) -> tuple[str, str | None, str | None]:
    return services.writer.render(
        "digest", services.writer.language_for("digest"), digest.context()
    )


def queue_digest(services: Services, digest: Digest) -> bool:
    """Queue the digest for ``digest.to``; False when today's was already queued."""
    recipients = services.config.digest.to
    if not recipients:
        return False
    with Session(services.engine) as session:
        for address in recipients:
            enqueue(
                session,
                services.writer,
                to=address,
                to_name=None,
                template="digest",
                languages=("en",),
                context=digest.context(),
                message_id=f"<digest-{digest.day.isoformat()}-{address}@"
                f"{services.config.mail_domain}>",
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True
