"""A local Maildir as the inbox: the embedded default and the demo's source.

A message's receipt time is its file's modification time, as Dovecot reads it. Handled
messages move to Maildir++ sub-folders (``.Nominations-Processed``); the rest stay.
"""

import mailbox
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.inbox import InboxMessage

MAILDIR_PARTS = ("tmp", "new", "cur")


def ensure_maildir(path: Path) -> mailbox.Maildir:
    """The Maildir at ``path`` (stdlib ``mailbox``), created with its sub-folders if needed.

    Each of ``tmp``, ``new`` and ``cur`` is made when missing, so a creation cut short (a
    process killed between two of them, which ``mailbox`` would never complete because
    the folder exists) is finished by the next process."""
    for sub in MAILDIR_PARTS:
        (path / sub).mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(str(path), factory=None, create=False)


def folder_path(root: Path, folder: str) -> Path:
    return root / ("." + folder.replace("/", "."))


def ensure_folder(root: Path, folder: str) -> Path:
    """A Maildir++ sub-folder of ``root`` (``.Nominations-Processed``), created if needed."""
    ensure_maildir(root)
    target = folder_path(root, folder)
    ensure_maildir(target)
    (target / "maildirfolder").touch(exist_ok=True)  # what marks a Maildir++ sub-folder
    return target


class MaildirInbox:
    def __init__(self, path: Path, max_message_bytes: int) -> None:
        self.path = path
        self.max_message_bytes = max_message_bytes
        self.name = f"maildir:{path}"

    def __enter__(self) -> "MaildirInbox":
        ensure_maildir(self.path)
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def _files(self) -> list[Path]:
        files = []
        for sub in ("new", "cur"):
            with os.scandir(self.path / sub) as entries:
                files.extend(
                    Path(e.path) for e in entries if e.is_file() and not e.name.startswith(".")
                )
        return files

    def fetch_new(self, state, is_known=None, claim=None) -> list[InboxMessage]:
        """Every message whose key ``is_known`` does not recognise, oldest first; with
        ``claim``, only those it gives this process (as for IMAP)."""
        found = []
        files = {f.name.split(":", 1)[0]: f for f in self._files()}
        keys = [key for key in files if is_known is None or not is_known(key)]
        if claim is not None:
            mine = claim([(key, None, None) for key in keys])
            keys = [key for key in keys if key in mine]
        for key in keys:
            try:
                found.append(self._read(key, files[key]))
            except FileNotFoundError:  # moved by another worker since the listing
                continue
        found.sort(key=lambda m: (m.received_at, m.key))
        return found

    def _read(self, key: str, file: Path) -> InboxMessage:
        stat = file.stat()
        received = datetime.fromtimestamp(stat.st_mtime, UTC)
        too_large = stat.st_size > self.max_message_bytes
        if too_large:
            with open(file, "rb") as handle:
                raw = handle.read(256 * 1024)
        else:
            raw = file.read_bytes()
        return InboxMessage(key, raw, stat.st_size, received, too_large=too_large)

    def _locate(self, key: str) -> Path | None:
        for sub in ("new", "cur"):
            for candidate in (self.path / sub).glob(f"{key}*"):
                if candidate.name.split(":", 1)[0] == key:
                    return candidate
        return None

    def move(self, messages: Sequence[InboxMessage], folder: str) -> int:
        target = ensure_folder(self.path, folder)
        moved = 0
        for message in messages:
            source = self._locate(message.key)
            if source is None:
                continue
            name = source.name if ":" in source.name else source.name + ":2,"
            os.replace(source, target / "cur" / name)
            moved += 1
        return moved
