"""When the bot fails on a message — an exception inside the pipeline, not a reading
problem (those are warnings) — it is tried again, like Mailman's shunt queue:

- the attempt is counted in ``message_failure`` (one row per mailbox and message, kept
  across polls and restarts) and the message stays in the inbox, to be taken again by the
  next poll (the mailbox's last UID stays below it meanwhile, ``bot.store.mailboxes``);
- at the ``MAX_ATTEMPTS``-th failure it is set aside: recorded as ``error`` for review
  with who sent it and what it was about, moved to the review folder, counted in the
  digest; never retried again.

The loop goes on with the next message either way. A database that is down is not a
failure of the message (``StorageError``, raised by the caller): nothing is counted.
"""

import logging

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from bot.app import Services
from bot.inbox import InboxMessage
from bot.message.parse import parse_mail
from bot.processing.inbound import describe, new_inbound
from bot.processing.raw import store_raw
from bot.store.mailboxes import advance, forget_failure, hold_below
from bot.store.models import MessageFailure, utcnow
from bot.vocab import Folder, Outcome, Reason, ReasonCode

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".replace("\0", "")[:2000]


def count_attempt(services: Services, mailbox: str, message: InboxMessage, key: str, exc) -> int:
    """Count one failed attempt at the message; returns how many there have been."""
    for _ in range(2):  # a second process may insert the row first: count on theirs
        with Session(services.engine) as session:
            query = select(MessageFailure).where(
                MessageFailure.mailbox == mailbox, MessageFailure.dedupe_key == key
            )
            row = session.exec(query.with_for_update()).first()
            if row is None:
                row = MessageFailure(mailbox=mailbox, dedupe_key=key)
            row.attempts += 1
            row.source_key, row.uid, row.uidvalidity = message.key, message.uid, message.uidvalidity
            row.last_failed_at, row.last_error = utcnow(), _error_text(exc)
            session.add(row)
            hold_below(session, mailbox, message)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            return row.attempts
    return MAX_ATTEMPTS  # could not be counted: set aside rather than retried unseen


def record_failure(
    services: Services, mailbox: str, message: InboxMessage, key: tuple, exc: Exception
) -> tuple[Outcome, Folder, int | None] | None:
    """Count the failure; None while the message waits for another attempt, else what it
    was recorded as (``error``, for review)."""
    attempts = count_attempt(services, mailbox, message, key[0], exc)
    if attempts < MAX_ATTEMPTS:
        log.warning(
            "message %s failed (attempt %d of %d); it stays in the inbox for the next poll",
            message.key,
            attempts,
            MAX_ATTEMPTS,
        )
        return None
    log.error("message %s failed %d times; set aside for review", message.key, attempts)
    return record_error(services, mailbox, message, key, exc, attempts)


def record_error(
    services: Services,
    mailbox: str,
    message: InboxMessage,
    key: tuple,
    exc: Exception,
    attempts: int = 1,
) -> tuple[Outcome, Folder, int | None]:
    """Record the failure and move on; if even describing the message fails, a bare row."""
    try:
        return _store_error(services, mailbox, message, key, exc, attempts, describe_it=True)
    except OperationalError:
        raise
    except Exception:
        log.warning("message %s: its description could not be stored", message.key)
        return _store_error(services, mailbox, message, key, exc, attempts, describe_it=False)


def _store_error(
    services: Services,
    mailbox: str,
    message: InboxMessage,
    key: tuple,
    exc: Exception,
    attempts: int,
    describe_it: bool,
) -> tuple[Outcome, Folder, int | None]:
    with Session(services.engine, expire_on_commit=False) as session:
        inbound = new_inbound(mailbox, message, *key)
        inbound.error = _error_text(exc)
        if describe_it:  # who sent it and what it was about, so staff can find it
            describe(inbound, parse_mail(message.raw or b"", services.config.limits), None)
        inbound.reasons = [Reason(ReasonCode.BOT_FAILED, {"attempts": str(attempts)}).as_json()]
        inbound.target_folder = services.config.inbox.review_folder
        session.add(inbound)
        session.flush()
        store_raw(session, inbound.id, message.raw or b"")
        forget_failure(session, mailbox, key[0])
        advance(session, mailbox, message)
        session.commit()
        return Outcome.ERROR, Folder.REVIEW, inbound.id
