"""Outgoing mail written to a local Maildir: the embedded default, for reading what
would have been sent. Each mail's file is named after its outbox row, so writing it
twice leaves one file; like a local delivery agent, it records the envelope sender in a
``Return-Path`` header at the top."""

import os
import re
import socket
from pathlib import Path

from bot.inbox.maildir import ensure_maildir
from bot.notify.outbox import PermanentFailure

_ENVELOPE_ADDRESS = re.compile(r"[^\x00-\x20\x7f<>]{0,320}")


def with_return_path(sender: str, data: bytes) -> bytes:
    """The mail with ``Return-Path: <sender>`` before its first header."""
    if not _ENVELOPE_ADDRESS.fullmatch(sender):
        raise PermanentFailure("the envelope sender is not a plain address")
    newline = b"\r\n" if b"\r\n" in data[:2000] else b"\n"
    return b"Return-Path: <" + sender.encode("utf-8") + b">" + newline + data


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> "MaildirTransport":
        ensure_maildir(self.path)
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def send(self, mail_id: int, sender: str, recipient: str, data: bytes) -> str:
        name = f"nombot-outbox-{mail_id:08d}.{socket.gethostname()}"
        target = self.path / "new" / name
        if target.exists() or (self.path / "cur" / name).exists():
            return name
        temporary = self.path / "tmp" / name
        with open(temporary, "wb") as handle:
            handle.write(with_return_path(sender, data))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return name
