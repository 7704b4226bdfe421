"""What every attachment reader shares: what a read gives, the errors that end it,
warnings about one file, and the check that an Office or OpenDocument (zip) file does
not expand past the limits.

An archive is refused before any reader opens it when one of its members larger than
``RATIO_FLOOR`` expands more than ``[limits] max_expansion_ratio`` times (a zip bomb:
``unreadable_attachment``), or when its members together expand past ``[limits]
max_expanded_bytes`` (``attachment_too_large``). The sizes checked are those the archive
declares; ``zipfile`` never gives more than the declared size of a member (a member that
would is a CRC error), so a lying archive is unreadable, not larger.
"""

import io
import zipfile
from dataclasses import dataclass, field

from bot.config import LimitsConfig
from bot.reading import Line
from bot.vocab import Warning, WarningCode

MAX_ZIP_MEMBERS = 2000
RATIO_FLOOR = 1024 * 1024  # members expanding to less are not judged by their ratio


@dataclass
class AttachmentText:
    """The readable content of one attachment."""

    filename: str
    lines: list[Line] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


class Unreadable(Exception):
    """The file could not be read; the message says why, in a few words."""


class TooLarge(Unreadable):
    """The file is within the byte limit but its content is too large to read."""


def file_warning(code: WarningCode, name: str, why: str) -> Warning:
    """A warning about one attachment; its text reads "code: file name: why"."""
    return Warning(code, f"{name}: {why}", name)


def check_zip(data: bytes, limits: LimitsConfig) -> zipfile.ZipFile:
    """The zip archive of an Office file, refused when it is broken or a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Unreadable("not a valid Office file") from None
    try:
        _check_members(archive.infolist(), len(data), limits)
    except Unreadable:
        archive.close()
        raise
    return archive


def _check_members(members: list[zipfile.ZipInfo], size: int, limits: LimitsConfig) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise Unreadable("too many parts inside")
    ratio = limits.max_expansion_ratio
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > member.compress_size * ratio:
            times = member.file_size // max(member.compress_size, 1)
            raise Unreadable(f"expands {times} times, limit {ratio} (possible zip bomb)")
    expanded = sum(m.file_size for m in members)
    if expanded > RATIO_FLOOR and expanded > size * ratio:
        raise Unreadable(f"expands {expanded // max(size, 1)} times (possible zip bomb)")
    if expanded > limits.max_expanded_bytes:
        limit = limits.max_expanded_bytes // 1024
        raise TooLarge(f"expands to {expanded // 1024} KB, limit {limit} KB; not read")
