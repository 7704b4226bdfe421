"""Outgoing mail written to a local Maildir: the embedded default, for reading what
would have been sent. Each mail's file is named after its outbox row, so writing it
twice leaves one file."""

import os
import socket
from pathlib import Path

from bot.inbox.maildir import ensure_maildir


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> "MaildirTransport":
        ensure_maildir(self.path)
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def send(self, mail_id: int, sender: str, recipient: str, data: bytes) -> None:
        name = f"nombot-outbox-{mail_id:08d}.{socket.gethostname()}"
        target = self.path / "new" / name
        if target.exists() or (self.path / "cur" / name).exists():
            return
        temporary = self.path / "tmp" / name
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
