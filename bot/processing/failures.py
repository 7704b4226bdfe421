"""When the bot fails on a message: the failure is recorded, the message is kept for
review with who sent it and what it was about, and the loop goes on."""

import logging

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.app import Services
from bot.inbox import InboxMessage
from bot.message.parse import parse_mail
from bot.processing.inbound import describe, new_inbound
from bot.store.mailboxes import advance
from bot.store.models import RawMessage
from bot.vocab import Folder, Outcome, Reason, ReasonCode

log = logging.getLogger(__name__)


def record_error(
    services: Services, mailbox: str, message: InboxMessage, key: tuple, exc: Exception
) -> tuple[Outcome, Folder, int | None]:
    """Record the failure and move on; if even describing the message fails, a bare row."""
    try:
        return _store_error(services, mailbox, message, key, exc, describe_it=True)
    except OperationalError:
        raise
    except Exception:
        log.warning("message %s: its description could not be stored", message.key)
        return _store_error(services, mailbox, message, key, exc, describe_it=False)


def _store_error(
    services: Services,
    mailbox: str,
    message: InboxMessage,
    key: tuple,
    exc: Exception,
    describe_it: bool,
) -> tuple[Outcome, Folder, int | None]:
    with Session(services.engine, expire_on_commit=False) as session:
        inbound = new_inbound(mailbox, message, *key)
        inbound.error = f"{type(exc).__name__}: {exc}"[:2000]
        if describe_it:  # who sent it and what it was about, so staff can find it
            describe(inbound, parse_mail(message.raw or b"", services.config.limits), None)
        inbound.reasons = [Reason(ReasonCode.BOT_FAILED).as_json()]
        inbound.target_folder = services.config.inbox.review_folder
        session.add(inbound)
        session.flush()
        session.add(RawMessage(inbound_message_id=inbound.id, data=message.raw or b""))
        advance(session, mailbox, message)
        session.commit()
        return Outcome.ERROR, Folder.REVIEW, inbound.id
