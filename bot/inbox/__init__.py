"""Inbox sources: where messages come from — IMAP (the secretariat's server) or a Maildir.

Both give the same thing: new messages with their raw bytes and the server's receipt time,
and a way to move a handled message to a folder. Mail that is not the bot's is never
marked or moved.
"""

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.config import Config, parse_mail_url

if TYPE_CHECKING:
    from bot.inbox.imap import IdleWatcher
    from bot.outages import Outages


@dataclass
class InboxMessage:
    """One message as fetched: bytes (None when too large), size and receipt time."""

    key: str  # stable within the mailbox: "<uidvalidity>:<uid>" or the Maildir name
    raw: bytes | None
    size: int
    received_at: datetime  # INTERNALDATE or delivery time, timezone-aware
    uid: int | None = None
    uidvalidity: int | None = None
    too_large: bool = False


class InboxSource(Protocol):
    """What ingestion needs from a mailbox."""

    name: str

    def __enter__(self) -> "InboxSource": ...

    def __exit__(self, *exc_info) -> None: ...

    def fetch_new(self, state, is_known=None, claim=None) -> "Iterable[InboxMessage]":
        """Messages not handled yet, oldest first; ``state`` is the MailboxState row,
        ``is_known(key)`` recognises decided ones, ``claim`` keeps another worker's out."""
        ...

    def move(self, messages: Sequence[InboxMessage], folder: str) -> int:
        """Move handled messages to ``folder`` together; how many were still there."""
        ...


def open_inbox(config: Config) -> InboxSource:
    url = parse_mail_url(config.inbox.url)
    if url.scheme == "maildir":
        from bot.inbox.maildir import MaildirInbox

        return MaildirInbox(config.path(url.path), config.inbox.max_message_bytes)
    from bot.inbox.imap import ImapInbox

    return ImapInbox(config, url)


def start_watcher(
    config: Config,
    wake: Callable[[], None],
    stop: threading.Event,
    outages: "Outages | None" = None,
    service: str = "inbox",
) -> "IdleWatcher | None":
    """Start the IMAP IDLE watcher that calls ``wake`` on new mail, where the inbox has one;
    its lost connections are reported to ``outages`` as ``service``'s."""
    url = parse_mail_url(config.inbox.url)
    if url.scheme not in ("imap", "imaps") or not config.inbox.idle:
        return None
    from bot.inbox.imap import IdleWatcher

    watcher = IdleWatcher(config, url, wake, stop, outages, service)
    watcher.start()
    return watcher
