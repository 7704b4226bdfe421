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
from pathlib import Path

from bot.config import Config, parse_mail_url
from bot.errors import InboxError
from bot.inbox.imap import NETWORK_ERRORS, connect
from bot.inbox.maildir import ensure_maildir

_MAILDIR_PARTS = ("cur", "new", "tmp")
# What a server answers an APPEND to a folder that does not exist (RFC 3501, RFC 5530).
_NO_FOLDER = ("TRYCREATE", "NONEXISTENT")


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
        return _into_maildir(config.path(url.path), raw, moment)
    client = connect(config, url)
    try:
        client.append(url.folder, raw, msg_time=moment)
    except NETWORK_ERRORS as exc:
        if any(code in str(exc).upper() for code in _NO_FOLDER):
            raise InboxError(
                f"inbox.url: there is no folder {url.folder!r} on {url.host}; create it on "
                "the server or correct inbox.url"
            ) from None
        raise InboxError(f"APPEND to {url.folder} failed: {exc}") from None
    finally:
        client.logout()
    return f"{config.inbox.url} ({moment.isoformat()})"


def _into_maildir(path: Path, raw: bytes, moment: datetime) -> str:
    """Deliver into the Maildir at ``path``: made when missing, and its cur/, new/ and tmp/
    when some are missing; a folder that holds other things is refused in one line."""
    where = f"inbox.url: {path}"
    try:
        blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            raise InboxError(f"{where}: {blocking} is a file, not a folder")
        if path.is_dir():
            present = [part for part in _MAILDIR_PARTS if (path / part).is_dir()]
            if not present and any(path.iterdir()):
                raise InboxError(
                    f"{where} is a folder but not a Maildir (it has no cur/, new/ or tmp/); "
                    "point inbox.url at a Maildir or at a folder that does not exist yet"
                )
            for part in _MAILDIR_PARTS:
                (path / part).mkdir(exist_ok=True)
        key = ensure_maildir(path).add(raw)
        file = path / "new" / key
        stamp = moment.timestamp()
        os.utime(file, (stamp, stamp))
    except OSError as exc:
        problem = exc.strerror or type(exc).__name__
        raise InboxError(f"{where}: cannot deliver there ({problem}: {exc.filename})") from None
    return str(file)
