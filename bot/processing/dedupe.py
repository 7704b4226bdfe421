"""The idempotency key of a fetched message: the same message delivered twice — under a
new UID, into another folder, or after a crash — is recognised and not decided again."""

import hashlib
from email.parser import BytesHeaderParser
from email.policy import compat32

from bot.message.detach import header_end
from bot.text import clean_header


def _header_info(raw: bytes) -> tuple[str | None, memoryview]:
    """Message-ID and body bytes, cheaply, for the idempotency key: only the header block
    is parsed (the parser would hold several copies of a 30 MB body)."""
    end = header_end(raw, 0, len(raw))
    if end is None:
        end = len(raw)
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:end])
    message_id = clean_header(str(headers.get("Message-ID", ""))) or None
    body = memoryview(raw)[end:]
    return message_id, body[2:] if body[:2] == b"\r\n" else body[1:]


def dedupe_key(raw: bytes) -> tuple[str, str, str | None]:
    """(dedupe key, content hash, Message-ID): the same message delivered twice shares a key."""
    content_hash = hashlib.sha256(raw).hexdigest()
    message_id, body = _header_info(raw)
    if message_id:
        key = hashlib.sha256(
            message_id.encode() + b"\0" + hashlib.sha256(body).digest()
        ).hexdigest()
    else:
        key = content_hash
    return key, content_hash, message_id
