"""Putting a message into the configured inbox, as the mail server would have.

Used by ``nombot inbox append`` (to re-inject a message, or to fill the demo Maildir from
``examples/``) and by the tests. The receipt time is the one given, else the date of the
topmost ``Received`` header, else the ``Date`` header, else now.
"""

import os
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parsedate_to_datetime

from bot.config import Config, parse_mail_url
from bot.errors import InboxError
from bot.inbox.imap import NETWORK_ERRORS, connect
from bot.inbox.maildir import ensure_maildir


def receipt_time(raw: bytes) -> datetime:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    candidates = [str(v).rpartition(";")[2] for v in headers.get_all("Received", [])[:1]]
    candidates.append(str(headers.get("Date", "")))
    for value in candidates:
        try:
            moment = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            continue
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def deliver(config: Config, raw: bytes, received: datetime | None = None) -> str:
    """Add one message to the inbox; returns where it went."""
    moment = received or receipt_time(raw)
    url = parse_mail_url(config.inbox.url)
    if url.scheme == "maildir":
        path = config.path(url.path)
        box = ensure_maildir(path)
        key = box.add(raw)
        file = path / "new" / key
        stamp = moment.timestamp()
        os.utime(file, (stamp, stamp))
        return str(file)
    client = connect(config, url)
    try:
        client.append(url.folder, raw, msg_time=moment)
    except NETWORK_ERRORS as exc:
        raise InboxError(f"APPEND to {url.folder} failed: {exc}") from None
    finally:
        client.logout()
    return f"{config.inbox.url} ({moment.isoformat()})"
