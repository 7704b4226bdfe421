"""MIME layer: raw bytes in, one ``ParsedMail`` out — the first step after the inbox.

mail-parser decodes the headers (RFC 2047 words, address lists, dates) and reports
defects; the body parts and attachments are then taken from its stdlib message so that
the text of an attached ``message/rfc822`` is never mistaken for the sender's own words.
Before parsing, large leaf parts are cut out of the raw bytes and nesting past the limit
is made opaque (``detach``), so a 30 MB message costs a few megabytes of memory, not
hundreds, and 200 levels of parts cannot exhaust the parser's recursion. Display names
are decoded here even when mail-parser leaves an RFC 2047 word as written (one hiding
CR/LF, or in an unknown charset): decoded, flattened to one line, never a word again.
"""

import binascii
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses

import mailparser

from bot.config import LimitsConfig
from bot.message.detach import (
    DETACH_ABOVE,
    DETACHED_HEADER,
    decode_transfer,
    detach_large_parts,
    encoded_size,
    limit_containers,
)
from bot.message.flowed import decode_flowed
from bot.text import clean_header
from bot.vocab import Warning, WarningCode

__all__ = ["DETACH_ABOVE", "Attachment", "ParsedMail", "detach_large_parts", "parse_mail"]

logging.getLogger("mailparser").setLevel(logging.ERROR)
# How much of the first text part is kept apart (the language of a robot's own words).
ROBOT_SAMPLE = 5000
# Images the reader takes for scanned pages (bot.reading.gathering.SCANNED_IMAGE_TYPES).
SCANNED_IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")
_FOLDING = re.compile(r"\r?\n[ \t]")
_LINE_BREAK = re.compile(r"[\r\n\x00\u2028\u2029\x85]")


@dataclass
class Attachment:
    """One attached file (or attached message) with its decoded bytes."""

    filename: str
    content_type: str
    data: bytes
    omitted_bytes: int = 0  # > 0: the part was past the size limit and was not decoded
    skipped: bool = False  # past [limits] max_attachments: not decoded, the reader skips it

    @property
    def is_message(self) -> bool:
        return self.content_type == "message/rfc822"


@dataclass
class ParsedMail:
    """What the later stages need to know about one message."""

    message: Message
    message_id: str | None
    subject: str
    from_name: str
    from_email: str
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    reply_to: list[tuple[str, str]]
    date: datetime | None
    in_reply_to: str | None
    references: list[str]
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    # The first text part: a delivery report's human-readable words, before its fields.
    first_text: str = ""
    warnings: list[Warning] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The first value of a header, unfolded and cleaned ('' when absent)."""
        value = self.message.get(name)
        return clean_header(str(value)) if value is not None else ""

    def headers(self, name: str, limit: int = 998) -> list[str]:
        """Every value of a header, top first, each unfolded and cut at ``limit``."""
        return [clean_header(str(v), limit) for v in self.message.get_all(name, [])]

    @property
    def content_type(self) -> str:
        return self.message.get_content_type()


def decode_text(payload: bytes, charset: str | None) -> tuple[str, bool]:
    """Bytes to text with the declared charset; (text, True) when it had to guess."""
    candidates = [charset] if charset else []
    candidates += ["utf-8", "cp1252", "latin-1"]
    for index, name in enumerate(candidates):
        if not name:
            continue
        try:
            return payload.decode(name), index > 0 and bool(charset)
        except (LookupError, UnicodeError, ValueError):  # unknown, or not a text codec
            continue
    return payload.decode("latin-1", "replace"), True


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    return display_text(name) if name else None


def decode_words(value: str) -> str:
    """RFC 2047 words left in a value decoded, each in its charset when Python knows it
    (else as UTF-8, then Latin-1): a name in ``x-unknown`` still reads as its letters."""
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # a malformed word: the value stays as written
        return value
    return "".join(
        data if isinstance(data, str) else decode_text(data, charset)[0] for data, charset in chunks
    )


def display_name(value: str | None) -> str:
    """A mailbox's display name: as ``display_text``, ending at a line break that an RFC
    2047 word decoded to ("Samuel Kiprono⏎Bcc: …" is Samuel Kiprono)."""
    unfolded = _FOLDING.sub(" ", str(value or ""))
    return display_text(_LINE_BREAK.split(decode_words(unfolded), 1)[0])


def display_text(value: str | None, limit: int = 998) -> str:
    """A display name or file name as text safe for any header: words decoded, controls
    (CR, LF, NUL …) made spaces, one bounded line, and no ``=?`` left to be decoded
    again by whoever writes it into a header."""
    text = clean_header(decode_words(str(value or "")), limit)
    return text.replace("=?", "= ?")


def _counted(content_type: str) -> bool:
    """Whether the reader counts the attachment against ``max_attachments``: everything
    but images, except those that may be a scanned page (``gathering`` reads so)."""
    return not content_type.startswith("image/") or content_type in SCANNED_IMAGE_TYPES


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if part.get_content_maintype() in ("text",) and part.get_content_subtype() in ("plain", "html"):
        return False
    return bool(_filename(part)) or part.get_content_maintype() in ("application", "image")


class _Walker:
    """Collects the top-level body parts and the attachments, without entering attached
    mail; bodies cut out before parsing are decoded here, within the limits."""

    def __init__(self, views: list[memoryview], limits: LimitsConfig) -> None:
        self.views = views
        self.limits = limits
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[Attachment] = []
        self.warnings: list[Warning] = []
        self.counted = 0  # attachments the reader counts against [limits] max_attachments

    def _view(self, part: Message) -> memoryview | None:
        marker = part.get(DETACHED_HEADER)
        if marker is None:
            return None
        try:
            view = self.views[int(str(marker).strip())]
        except (ValueError, IndexError):
            return memoryview(b"")
        # The body starts after the blank line that ends the part's headers.
        return view[2:] if view[:2] == b"\r\n" else view[1:] if view[:1] == b"\n" else view

    def payload(self, part: Message, limit: int) -> tuple[bytes | None, int]:
        """(decoded body, 0), or (None, size) when it is larger than ``limit``."""
        view = self._view(part)
        encoding = str(part.get("Content-Transfer-Encoding", ""))
        if view is not None:
            size = encoded_size(view, encoding)
            if size > limit:
                return None, size
            try:
                return decode_transfer(view, encoding), 0
            except (binascii.Error, ValueError):
                return b"", 0
        try:
            return part.get_payload(decode=True), 0
        except Exception:  # broken transfer encodings: the caller falls back to raw text
            return None, 0

    def text(self, part: Message) -> tuple[str, bool]:
        payload, _ = self.payload(part, self.limits.max_text_chars * 4)
        if payload is None:
            body = part.get_payload() if part.get(DETACHED_HEADER) is None else ""
            return (body.replace("\0", "") if isinstance(body, str) else ""), False
        text, guessed = decode_text(payload, part.get_content_charset())
        return text.replace("\0", ""), guessed  # NUL is never text (nor storable in PostgreSQL)

    def attachment(self, part: Message, content_type: str) -> Attachment:
        """An attached file, decoded unless it is past the ones that will be read."""
        name = _filename(part) or f"part.{part.get_content_subtype() or 'bin'}"
        if _counted(content_type):
            self.counted += 1
            if self.counted > self.limits.max_attachments:  # skipped by the reader
                return Attachment(name, content_type, b"", skipped=True)
        data, too_large = self.payload(part, self.limits.max_attachment_bytes)
        return Attachment(name, content_type, data or b"", too_large)

    def attached_message(self, part: Message) -> Attachment:
        """An attached message as bytes of its own: cut out before parsing, or written
        back from what the parser made of it."""
        name = _filename(part) or "forwarded.eml"
        self.counted += 1
        if part.get(DETACHED_HEADER) is not None:
            data, too_large = self.payload(part, self.limits.max_attachment_bytes)
            return Attachment(name, "message/rfc822", data or b"", too_large)
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else None
        data = b""
        if inner_message is not None:
            try:
                data = inner_message.as_bytes()
            except RecursionError:
                self.warnings.append(Warning(WarningCode.PARSE_ERROR, f"{name}: nested too deep"))
            except Exception:
                data = str(inner_message).encode("utf-8", "replace")
        return Attachment(name, "message/rfc822", data)

    def walk(self, message: Message) -> None:
        stack = [message]
        while stack:
            part = stack.pop(0)
            content_type = part.get_content_type()
            if content_type == "message/rfc822" or (
                part.get_content_maintype() == "message"
                and part.is_multipart()
                and content_type not in ("message/delivery-status",)
            ):
                self.attachments.append(self.attached_message(part))
                continue
            if part.is_multipart():
                children = part.get_payload()
                if isinstance(children, list):
                    stack[0:0] = children
                continue
            if _is_attachment(part):
                self.attachments.append(self.attachment(part, content_type))
                continue
            if content_type == "text/html":
                text, guessed = self.text(part)
                self.htmls.append(text)
            elif part.get_content_maintype() == "text" or content_type == "message/delivery-status":
                text, guessed = self.text(part)
                if (part.get_param("format") or "").lower() == "flowed":
                    delsp = (part.get_param("delsp") or "").lower() == "yes"
                    text = decode_flowed(text, delsp)
                self.texts.append(text)
            else:
                continue
            if guessed and not any(w.code == WarningCode.CHARSET_MISMATCH for w in self.warnings):
                declared = f"declared {part.get_content_charset()!s}"
                self.warnings.append(Warning(WarningCode.CHARSET_MISMATCH, declared))


def _addresses(values: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    found = []
    for name, address in values or []:
        address = clean_header(address).strip().strip("<>").lower()
        if address and len(address) <= 254:  # RFC 5321's limit; longer is junk
            found.append((display_name(name), address))
    return found


def _stdlib_message(raw: bytes) -> Message:
    """The stdlib's reading of what mail-parser gave up on; its headers alone, else nothing."""
    import email
    from email.parser import BytesHeaderParser

    for read in (email.message_from_bytes, BytesHeaderParser().parsebytes):
        try:
            return read(raw)
        except Exception:
            continue
    return Message()


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def parse_mail(raw: bytes, limits: LimitsConfig | None = None) -> ParsedMail:
    """Parse raw message bytes into a ParsedMail; never raises on malformed input."""
    limits = limits or LimitsConfig()
    warnings: list[Warning] = []
    shallow, opaque = limit_containers(raw, limits.max_mime_containers)
    if opaque:
        why = f"more than {limits.max_mime_containers} nested parts; {opaque} not read"
        warnings.append(Warning(WarningCode.PARSE_ERROR, why))
    shrunk, views = detach_large_parts(shallow, DETACH_ABOVE)
    del shallow
    try:
        parsed = mailparser.parse_from_bytes(shrunk)
    except Exception as exc:  # mail-parser gives up on some inputs: keep a minimal view
        warnings.append(Warning(WarningCode.PARSE_ERROR, type(exc).__name__))
        parsed = None
        message = _stdlib_message(shrunk)
    else:
        message = parsed.message

    def safe(attribute: str, default):
        if parsed is None:
            return default
        try:
            return getattr(parsed, attribute) or default
        except Exception:
            return default

    from_list = _addresses(safe("from_", [])) or _addresses(
        getaddresses([str(message.get("From", ""))])
    )
    from_name, from_email = from_list[0] if from_list else ("", "")
    walker = _Walker(views, limits)
    try:
        walker.walk(message)
    except Exception as exc:  # a structure the walk cannot follow: keep what was read
        walker.warnings.append(Warning(WarningCode.PARSE_ERROR, f"body: {type(exc).__name__}"))
    warnings += walker.warnings
    texts, htmls, attachments = walker.texts, walker.htmls, walker.attachments
    date = safe("date", None)
    if date is not None and date.tzinfo is None:
        date = None
    defects = [str(d) for d in safe("defects_categories", [])]
    return ParsedMail(
        message=message,
        message_id=(_message_ids(str(message.get("Message-ID", ""))) or [None])[0],
        subject=display_text(str(safe("subject", "") or "")),
        from_name=from_name,
        from_email=from_email,
        to=_addresses(safe("to", [])),
        cc=_addresses(safe("cc", [])),
        reply_to=_addresses(safe("reply_to", [])),
        date=date,
        in_reply_to=(_message_ids(str(message.get("In-Reply-To", ""))) or [None])[0],
        references=_message_ids(str(message.get("References", ""))),
        text="\n".join(texts)[: limits.max_text_chars],
        html="\n".join(htmls)[: limits.max_text_chars * 4],
        attachments=attachments,
        defects=defects,
        first_text=(texts[0] if texts else "")[:ROBOT_SAMPLE],
        warnings=warnings,
    )
