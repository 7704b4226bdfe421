"""The bot's health as the digest reports it: the inbox, the messages it failed on, the
outgoing mail, the scheduled housekeeping (directory refresh, retention purge).

Read from the rows the jobs leave behind (``mailbox_state``, ``message_failure``,
``inbound_message``, ``outbox_mail``, ``directory_refresh``, ``purge_record``), so it
says what the job runner did even when the digest is printed by another process.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.processing.failures import MAX_ATTEMPTS
from bot.store.models import (
    DirectoryRefresh,
    InboundMessage,
    MailboxState,
    MessageFailure,
    OutboxMail,
    PurgeRecord,
)
from bot.vocab import MailStatus, Outcome


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment else None


def _outbox(session: Session, since: datetime) -> dict:
    waiting = session.exec(
        select(OutboxMail).where(
            col(OutboxMail.status).in_((MailStatus.QUEUED, MailStatus.SENDING))
        )
    ).all()
    failed = session.exec(
        select(OutboxMail).where(
            OutboxMail.status == MailStatus.FAILED, OutboxMail.created_at >= since
        )
    ).all()
    return {
        "outbox_waiting": len(waiting),
        "outbox_error": next((m.last_error for m in waiting if m.last_error), None),
        "outbox_failed": [
            {"to": m.to_email, "subject": m.subject, "error": m.last_error} for m in failed
        ],
    }


def _failures(session: Session, since: datetime) -> dict:
    """Messages set aside after their last failed attempt since ``since``, and those that
    failed and wait for another attempt."""
    set_aside = session.exec(
        select(func.count())
        .select_from(InboundMessage)
        .where(InboundMessage.outcome == Outcome.ERROR, InboundMessage.processed_at >= since)
    ).one()
    failed = select(func.count()).select_from(MessageFailure)
    retrying = session.exec(failed.where(col(MessageFailure.attempts) > 0)).one()
    return {"set_aside": set_aside, "retrying": retrying, "attempts": MAX_ATTEMPTS}


def no_health() -> dict:
    """The health section before anything was read: every key, nothing in it."""
    return {
        "last_poll": None,
        "inboxes_failing": [],
        "set_aside": 0,
        "retrying": 0,
        "attempts": MAX_ATTEMPTS,
        "outbox_waiting": 0,
        "outbox_error": None,
        "outbox_failed": [],
        "directory": None,
        "purges": [],
    }


def health(session: Session, since: datetime, zone: ZoneInfo) -> dict:
    """Plain values for the digest's health section, times in ``zone``."""
    inboxes = session.exec(select(MailboxState).order_by(MailboxState.mailbox)).all()
    last_poll = session.exec(select(func.max(MailboxState.checked_at))).one()
    refresh = session.exec(
        select(DirectoryRefresh).order_by(col(DirectoryRefresh.at).desc()).limit(1)
    ).first()
    purges = session.exec(
        select(PurgeRecord).where(PurgeRecord.purged_at >= since).order_by(PurgeRecord.id)
    ).all()
    return {
        "last_poll": _local(last_poll, zone),
        "inboxes_failing": [
            {
                "mailbox": s.mailbox,
                "failing_since": _local(s.failing_since, zone),
                "error": s.last_error,
            }
            for s in inboxes
            if s.failing_since
        ],
        **_failures(session, since),
        **_outbox(session, since),
        "directory": None
        if refresh is None
        else {
            "outcome": refresh.outcome,
            "at": _local(refresh.at, zone),
            "entries": refresh.entries,
            "added": refresh.added,
            "removed": refresh.removed,
            "error": refresh.error,
        },
        "purges": [
            {"event": p.event_slug, "at": _local(p.purged_at, zone), "counts": dict(p.counts)}
            for p in purges
        ],
    }
