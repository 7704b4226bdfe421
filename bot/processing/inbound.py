"""The ``inbound_message`` row of a fetched message: created, then described from what
was parsed and read."""

from bot.inbox import InboxMessage
from bot.message.parse import ParsedMail
from bot.reading.analysis import Analysis
from bot.store.models import InboundMessage
from bot.vocab import Outcome


def new_inbound(
    mailbox: str, message: InboxMessage, key: str, content_hash: str, message_id: str | None
) -> InboundMessage:
    return InboundMessage(
        dedupe_key=key,
        mailbox=mailbox,
        uidvalidity=message.uidvalidity,
        uid=message.uid,
        source_key=message.key,
        message_id=message_id,
        content_hash=content_hash,
        received_at=message.received_at,
        size=message.size,
        outcome=Outcome.ERROR,
    )


def describe(inbound: InboundMessage, mail: ParsedMail, analysis: Analysis | None) -> None:
    inbound.from_email = (mail.from_email or "")[:320] or None
    inbound.from_name = mail.from_name or None
    inbound.subject = mail.subject
    if analysis is not None:
        inbound.kind = analysis.kind
        inbound.language = analysis.language
        inbound.event_slug = analysis.event
        inbound.analysis = analysis.as_json()
