"""MIME layer: raw bytes in, one ``ParsedMail`` out — the first step after the inbox.

mail-parser decodes the headers (RFC 2047 words, address lists, dates) and reports
defects; the body parts and attachments are then taken from its stdlib message so that
the text of an attached ``message/rfc822`` is never mistaken for the sender's own words.
Oversized leaf parts are cut out of the raw bytes before parsing, so a 25 MB attachment
costs a few megabytes of memory, not hundreds.
"""

import binascii
import logging
import quopri
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.utils import getaddresses

import mailparser

from bot.config import LimitsConfig
from bot.message.flowed import decode_flowed
from bot.text import clean_header
from bot.vocab import Warning, WarningCode

logging.getLogger("mailparser").setLevel(logging.ERROR)
DETACHED_HEADER = "X-Nombot-Detached"
# How much of the first text part is kept apart (the language of a robot's own words).
ROBOT_SAMPLE = 5000
DETACH_ABOVE = 256 * 1024  # larger MIME parts never go through the parser
_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"\r\n]{1,200}))', re.I)


@dataclass
class Attachment:
    """One attached file (or attached message) with its decoded bytes."""

    filename: str
    content_type: str
    data: bytes
    omitted_bytes: int = 0  # > 0: the part was past the size limit and was not decoded

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


def detach_large_parts(raw: bytes, detach_above: int) -> tuple[bytes, list[memoryview]]:
    """Cut MIME leaf parts larger than ``detach_above`` out of the bytes before parsing.

    Works by slicing between boundary lines: each large part keeps its headers and gets
    ``X-Nombot-Detached: <n>``; its encoded body stays in the original bytes, returned as
    views, and is decoded only when a reader asks for it and the limits allow. The
    parser (and its several copies of every part) never sees it.
    """
    if len(raw) <= detach_above:
        return raw, []
    boundaries = {(m.group(1) or m.group(2)) for m in _BOUNDARY.finditer(raw)}
    whole = memoryview(raw)
    if boundaries:
        pattern = re.compile(
            rb"^--(?:" + b"|".join(re.escape(b) for b in boundaries) + rb")(?:--)?[ \t]*\r?$",
            re.M,
        )
        cuts = [m.span() for m in pattern.finditer(raw)]
        spans = [(end, following) for (_, end), (following, _) in zip(cuts, cuts[1:], strict=False)]
    else:
        spans = [(0, len(raw))]  # a single-part message: its body is the part
    pieces: list[bytes] = []
    views: list[memoryview] = []
    position = 0
    for start, stop in spans:
        if stop - start <= detach_above:
            continue
        header_end = _header_end(raw, start, stop)
        pieces.append(raw[position:header_end])
        pieces.append(f"{DETACHED_HEADER}: {len(views)}\r\n\r\n".encode())
        views.append(whole[header_end:stop])
        position = stop
    if not views:
        return raw, []
    pieces.append(raw[position:])
    return b"".join(pieces), views


def decode_transfer(view: memoryview, encoding: str) -> bytes:
    """Decode a detached body by its Content-Transfer-Encoding."""
    encoding = encoding.strip().lower()
    if encoding == "base64":
        return binascii.a2b_base64(view)
    if encoding == "quoted-printable":
        return quopri.decodestring(bytes(view))
    return bytes(view)


def encoded_size(view: memoryview, encoding: str) -> int:
    """The decoded size of a detached body, without decoding it."""
    return len(view) * 3 // 4 if encoding.strip().lower() == "base64" else len(view)


def _header_end(raw: bytes, start: int, stop: int) -> int:
    """Where the headers of the part between ``start`` and ``stop`` end (before the blank line)."""
    for blank in (b"\r\n\r\n", b"\n\n"):
        found = raw.find(blank, start, min(stop, start + 65536))
        if found != -1:
            return found + (2 if blank == b"\r\n\r\n" else 1)
    return min(stop, start + 1)


def decode_text(payload: bytes, charset: str | None) -> tuple[str, bool]:
    """Bytes to text with the declared charset; (text, True) when it had to guess."""
    candidates = [charset] if charset else []
    candidates += ["utf-8", "cp1252", "latin-1"]
    for index, name in enumerate(candidates):
        if not name:
            continue
        try:
            return payload.decode(name), index > 0 and bool(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1", "replace"), True


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    return clean_header(mailparser_decode(name)) if name else None


def mailparser_decode(value: str) -> str:
    """Decode RFC 2047 words left in a parameter value (some clients encode file names so)."""
    if "=?" not in value:
        return value
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


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

    def _view(self, part: Message) -> memoryview | None:
        marker = part.get(DETACHED_HEADER)
        if marker is None:
            return None
        try:
            return self.views[int(str(marker).strip())]
        except (ValueError, IndexError):
            return memoryview(b"")

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
            return (body if isinstance(body, str) else ""), False
        return decode_text(payload, part.get_content_charset())

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
                inner = part.get_payload()
                inner_message = inner[0] if isinstance(inner, list) and inner else None
                data = b""
                if inner_message is not None:
                    try:
                        data = inner_message.as_bytes()
                    except Exception:
                        data = str(inner_message).encode("utf-8", "replace")
                name = _filename(part) or "forwarded.eml"
                self.attachments.append(Attachment(name, "message/rfc822", data))
                continue
            if part.is_multipart():
                children = part.get_payload()
                if isinstance(children, list):
                    stack[0:0] = children
                continue
            if _is_attachment(part):
                name = _filename(part) or f"part.{part.get_content_subtype() or 'bin'}"
                data, too_large = self.payload(part, self.limits.max_attachment_bytes)
                self.attachments.append(Attachment(name, content_type, data or b"", too_large))
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
            found.append((clean_header(name), address))
    return found


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def parse_mail(raw: bytes, limits: LimitsConfig | None = None) -> ParsedMail:
    """Parse raw message bytes into a ParsedMail; never raises on malformed input."""
    limits = limits or LimitsConfig()
    warnings: list[Warning] = []
    shrunk, views = detach_large_parts(raw, DETACH_ABOVE)
    try:
        parsed = mailparser.parse_from_bytes(shrunk)
    except Exception as exc:  # mail-parser gives up on some inputs: keep a minimal view
        import email

        warnings.append(Warning(WarningCode.PARSE_ERROR, type(exc).__name__))
        parsed = None
        message = email.message_from_bytes(shrunk)
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
        subject=clean_header(str(safe("subject", "") or "")),
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
