"""What every attachment reader shares: what a read gives, the errors that end it,
warnings about one file, and the check that an Office (zip) file does not expand past
the limits."""

import io
import zipfile
from dataclasses import dataclass, field

from bot.config import LimitsConfig
from bot.reading import Line
from bot.vocab import Warning, WarningCode

MAX_ZIP_EXPANSION = 20  # uncompressed bytes per compressed byte before a zip is refused
MAX_ZIP_MEMBERS = 2000


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
    except zipfile.BadZipFile:
        raise Unreadable("not a valid Office file") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        archive.close()
        raise Unreadable("too many parts inside")
    expanded = sum(m.file_size for m in members)
    if expanded > max(limits.max_attachment_bytes, len(data) * MAX_ZIP_EXPANSION):
        archive.close()
        raise Unreadable("expands too much (possible zip bomb)")
    return archive
