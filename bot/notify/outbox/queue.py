"""Putting a mail in the outbox: render it and add its row to the caller's transaction."""

from collections.abc import Sequence

from sqlmodel import Session

from bot.notify.outbox.verp import new_token
from bot.notify.writer import MailWriter, Original
from bot.store.models import OutboxMail


def enqueue(
    session: Session,
    writer: MailWriter,
    *,
    to: str,
    to_name: str | None,
    template: str,
    languages: tuple,
    context: dict,
    original: Original | None = None,
    message_id: str | None = None,
    inbound_message_id: int | None = None,
    participant_id: int | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> OutboxMail:
    """Render ``template`` for ``to`` and add it to the outbox; sent after the commit.

    ``attachments`` are (file name, content type, bytes), attached after the body."""
    rendered = writer.compose(
        to=to,
        to_name=to_name,
        name=template,
        languages=languages,
        context=context,
        original=original,
        message_id=message_id,
    )
    language = rendered.message["Content-Language"]
    for filename, content_type, data in attachments:  # (name, "type/subtype", bytes)
        maintype, _, subtype = content_type.partition("/")
        rendered.message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if attachments and language:  # now multipart/mixed: its first part took Content-*
        del rendered.message["Content-Language"]
        rendered.message["Content-Language"] = language
    row = OutboxMail(
        template=template,
        auto_reply=original is not None,
        to_email=to,
        subject=rendered.subject,
        message_id=rendered.message_id,
        bounce_token=new_token(),
        inbound_message_id=inbound_message_id,
        participant_id=participant_id,
        data=rendered.data,
    )
    session.add(row)
    return row
