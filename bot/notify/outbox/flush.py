"""Sending what the outbox holds: claim a row, hand it to the transport, mark it.

A row is claimed (``queued`` → ``sending``) in its own transaction before the transport
sees it, and every later update is guarded by that claim, so two flushes (threads or
processes) never send or rewrite the same row. A claim left by a killed process of this
host is given back when ``nombot run`` starts (``requeue_dead_claims``),
any other after ``STALE_CLAIM``. What the transport took the mail as (the SMTP server's
queue id, the Maildir file) is kept with the row marked sent. A recipient's temporary
refusal is retried with exponential back-off; the per-minute cap counts what every
process sent in the last minute. With ``outbox.bounce_address`` each mail's envelope
sender is its row's VERP return path.
"""

import logging
import os
import socket
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, func, or_, update
from sqlmodel import Session, select

from bot.config import Config
from bot.failpoints import Point, reach, unclosable_window
from bot.notify.outbox import PermanentFailure, TemporaryFailure, open_transport
from bot.notify.outbox.verp import envelope_sender
from bot.store.lease import dead_local_holder
from bot.store.models import OutboxMail, utcnow
from bot.vocab import MailStatus

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class FlushReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    error: str | None = None
    connected: bool = False  # the mail server was reached
    unreachable: str | None = None  # why it could not be reached, or the connection broke


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 30 s, 1 min, 2 min … capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _due(session: Session, ignore_backoff: bool, limit: int) -> list[OutboxMail]:
    now = utcnow()
    queued = OutboxMail.status == MailStatus.QUEUED
    if not ignore_backoff:
        queued = queued & or_(
            OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now
        )
    stale = (OutboxMail.status == MailStatus.SENDING) & (OutboxMail.claimed_at < now - STALE_CLAIM)
    return list(
        session.exec(
            select(OutboxMail).where(or_(queued, stale)).order_by(OutboxMail.id).limit(limit)
        ).all()
    )


def _claim(engine: Engine, row: OutboxMail) -> bool:
    with engine.begin() as connection:
        result = connection.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == row.id,
                OutboxMail.status == row.status,
                or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at == row.claimed_at),
            )
            .values(status=MailStatus.SENDING, claimed_by=WORKER, claimed_at=utcnow())
        )
        return result.rowcount == 1


def _release(engine: Engine, row_id: int, **values) -> None:
    """Update a row this process claimed (and only if the claim is still ours)."""
    with engine.begin() as connection:
        connection.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == row_id,
                OutboxMail.status == MailStatus.SENDING,
                OutboxMail.claimed_by == WORKER,
            )
            .values(claimed_by=None, claimed_at=None, **values)
        )


def _note_outage(engine: Engine, rows: list[OutboxMail], error: str) -> None:
    """Remember why queued mail waits, without touching attempts or anyone's claim."""
    with engine.begin() as connection:
        connection.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_([r.id for r in rows]), OutboxMail.status == MailStatus.QUEUED)
            .values(last_error=error[:500])
        )


def _sent_last_minute(session: Session) -> int:
    since = utcnow() - timedelta(minutes=1)
    return session.exec(
        select(func.count()).select_from(OutboxMail).where(OutboxMail.sent_at >= since)
    ).one()


def _defer(engine: Engine, row: OutboxMail, error: str, max_attempts: int) -> bool:
    """The recipient's server said "later": back off; True when it has now failed for good."""
    attempts = row.attempts + 1
    if attempts >= max_attempts:
        _release(
            engine, row.id, status=MailStatus.FAILED, attempts=attempts, last_error=error[:500]
        )
        return True
    _release(
        engine,
        row.id,
        status=MailStatus.QUEUED,
        attempts=attempts,
        last_error=error[:500],
        next_attempt_at=utcnow() + backoff(attempts),
    )
    return False


def _send_one(engine, config: Config, transport, row: OutboxMail, report: FlushReport) -> bool:
    """Send one claimed mail and record its fate; False when the connection is unusable."""
    with unclosable_window():  # server's "250" to the commit: only SMTP can lose it
        return _send_and_record(engine, config, transport, row, report)


def _send_and_record(
    engine, config: Config, transport, row: OutboxMail, report: FlushReport
) -> bool:
    try:
        sender = envelope_sender(
            config.sender_address, config.outbox.bounce_address, row.bounce_token
        )
        reach(Point.CLAIMED)
        queue_id = transport.send(row.id, sender, row.to_email, row.data)
        reach(Point.HANDED_OVER)
    except PermanentFailure as exc:
        log.warning("outbox: mail %s to %s refused: %s", row.id, row.to_email, exc)
        _release(
            engine,
            row.id,
            status=MailStatus.FAILED,
            attempts=row.attempts + 1,
            last_error=str(exc)[:500],
        )
        report.failed += 1
    except TemporaryFailure as exc:
        report.deferred += 1
        report.error = str(exc)
        if not exc.per_recipient:  # the connection broke: an outage, logged by the caller
            log.debug("outbox: mail %s to %s waits: %s", row.id, row.to_email, exc)
            report.unreachable = str(exc)
            _release(engine, row.id, status=MailStatus.QUEUED, last_error=str(exc)[:500])
            return False
        log.warning("outbox: mail %s to %s deferred: %s", row.id, row.to_email, exc)
        report.failed += _defer(engine, row, str(exc), config.outbox.max_attempts)
    else:
        _release(
            engine,
            row.id,
            status=MailStatus.SENT,
            sent_at=utcnow(),
            attempts=row.attempts + 1,
            last_error=None,
            queue_id=(queue_id or "")[:200] or None,
        )
        report.sent += 1
    return True


def flush_outbox(
    engine: Engine,
    config: Config,
    ignore_backoff: bool = False,
    limit: int = 500,
    log_outage: bool = True,
) -> FlushReport:
    """Send what is due; never raises for transport problems (they are recorded).

    A mail server that cannot be reached costs no attempt: mail waits, however long the
    outage. Attempts count only what a server said about one recipient (4xx), and after
    ``outbox.max_attempts`` of those the mail is marked failed (the digest lists it).
    An unreachable server is a warning unless ``log_outage`` is off: the long-running bot
    logs each outage once instead (``report.unreachable``, ``bot.outages``).
    """
    report = FlushReport()
    with Session(engine) as session:
        due = _due(session, ignore_backoff, limit)
        room = config.outbox.max_per_minute - _sent_last_minute(session)
    if not due:
        return report
    if room <= 0:
        report.deferred = len(due)
        return report
    due = due[:room]
    with ExitStack() as stack:
        try:
            transport = stack.enter_context(open_transport(config))
        except TemporaryFailure as exc:
            report.error = report.unreachable = str(exc)
            report.deferred = len(due)
            log.log(logging.WARNING if log_outage else logging.DEBUG,
                    "outbox: %s; %d mail(s) wait", exc, len(due))  # fmt: skip
            _note_outage(engine, due, str(exc))
            return report
        report.connected = True
        for row in due:
            if _claim(engine, row) and not _send_one(engine, config, transport, row, report):
                break  # the connection is unusable; the rest waits for the next flush
    return report


def requeue_dead_claims(engine: Engine) -> int:
    """Queue again the mails that a killed process of this host had claimed for sending.

    The outbox takes back a claim only after ``STALE_CLAIM`` (another host's process may
    still be sending); a claim naming a process of this host that no longer exists
    (``hostname:pid``, as the lease judges its holders) is given back at once, so a
    restart after a crash resumes the outbox with the mail that was in flight. That mail
    goes out again even if the server had accepted it just before the kill (SMTP cannot
    tell): the same trade-off as a stale claim, made sooner. Returns how many.
    """
    with Session(engine) as session:
        workers = session.exec(
            select(OutboxMail.claimed_by)
            .where(OutboxMail.status == MailStatus.SENDING, OutboxMail.claimed_by.is_not(None))
            .distinct()
        ).all()
    dead = [worker for worker in workers if worker and dead_local_holder(worker)]
    if not dead:
        return 0
    with engine.begin() as connection:
        requeued = connection.execute(
            update(OutboxMail)
            .where(OutboxMail.status == MailStatus.SENDING, OutboxMail.claimed_by.in_(dead))
            .values(status=MailStatus.QUEUED, claimed_by=None, claimed_at=None)
        ).rowcount
    if requeued:
        log.warning(
            "outbox: %d mail(s) claimed by %s, no longer running, queued again",
            requeued,
            ", ".join(sorted(dead)),
        )
    return requeued
