"""Queues the mails one message causes, inside that message's transaction.

Every mail goes through ``Recorder.queue``: never to our own addresses, in the language
chain message → directory entry of the nominator → event default, and — for the reply
to the sender — threaded on the original and counted for the reply cap. The name a mail
is addressed to comes from the message: it is made a plain name first (``plain_name``),
so that nothing it decodes to can reach a header.
"""

import re

from sqlmodel import Session

from bot.app import Services
from bot.message.parse import ParsedMail, display_text
from bot.notify.outbox.queue import enqueue
from bot.notify.writer import Original
from bot.store.models import InboundMessage
from bot.text import squeeze
from bot.vocab import Template

_ADDRESS_LIKE = re.compile(r"\S*@\S*")
MAX_NAME = 200


def plain_name(value: str | None) -> str | None:
    """A person's name as stored and as written into a header: RFC 2047 words decoded,
    controls (CR, LF, NUL …) made spaces, one line, and no address inside it — a second
    address in a name is text someone wrote, never a recipient."""
    if not value:
        return None
    return squeeze(_ADDRESS_LIKE.sub(" ", display_text(value, MAX_NAME * 2)))[:MAX_NAME] or None


class Recorder:
    """Writes the mails of one decision into the open session."""

    def __init__(
        self,
        services: Services,
        session: Session,
        mail: ParsedMail,
        inbound: InboundMessage,
        languages: tuple[str | None, ...],
    ) -> None:
        self.services = services
        self.session = session
        self.mail = mail
        self.inbound = inbound
        self.languages = languages
        self.replies: list[Template] = []

    def queue(
        self,
        *,
        to: str,
        to_name: str | None,
        template: Template,
        context: dict,
        reply: bool = False,
        participant_id: int | None = None,
        languages: tuple[str | None, ...] | None = None,
    ) -> None:
        if to in self.services.config.own_addresses():
            return
        original = None
        if reply:
            original = Original(
                self.mail.message_id, self.mail.subject, tuple(self.mail.references)
            )
        enqueue(
            self.session,
            self.services.writer,
            to=to,
            to_name=plain_name(to_name),
            template=template,
            languages=languages or self.languages,
            context=context,
            original=original,
            inbound_message_id=self.inbound.id,
            participant_id=participant_id,
        )
        if reply:
            self.replies.append(template)
