"""MIME layer: raw bytes in, one ``ParsedMail`` out — the first step after the inbox.

mail-parser decodes the headers (RFC 2047 words, address lists, dates) and reports
defects; the body parts and attachments are then taken from its stdlib message so that
the text of an attached ``message/rfc822`` is never mistaken for the sender's own words.
Oversized leaf parts are cut out of the raw bytes before parsing, so a 25 MB attachment
costs a few megabytes of memory, not hundreds.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.utils import getaddresses

import mailparser

from bot.config import LimitsConfig
from bot.text import clean_header

logging.getLogger("mailparser").setLevel(logging.ERROR)
OMITTED_HEADER = "X-Nombot-Omitted-Bytes"
_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"\r\n]{1,200}))', re.I)


@dataclass
class Attachment:
    """One attached file (or attached message) with its decoded bytes."""

    filename: str
    content_type: str
    data: bytes
    omitted_bytes: int = 0  # > 0 when the part was too large and its body was dropped

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
    warnings: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The first value of a header, unfolded and cleaned ('' when absent)."""
        value = self.message.get(name)
        return clean_header(str(value)) if value is not None else ""

    def headers(self, name: str) -> list[str]:
        return [clean_header(str(v)) for v in self.message.get_all(name, [])]

    @property
    def content_type(self) -> str:
        return self.message.get_content_type()


def shrink_oversized_parts(raw: bytes, max_part_bytes: int) -> tuple[bytes, int]:
    """Drop the bodies of MIME leaf parts larger than ``max_part_bytes``.

    Works on the bytes, before any parsing, by cutting between boundary lines: each
    oversized segment keeps its headers and gets a header saying how much was dropped.
    Returns the new bytes and how many parts were cut.
    """
    if len(raw) <= max_part_bytes:
        return raw, 0
    boundaries = {(m.group(1) or m.group(2)) for m in _BOUNDARY.finditer(raw)}
    if not boundaries:
        return raw, 0
    pattern = re.compile(
        rb"^--(?:" + b"|".join(re.escape(b) for b in boundaries) + rb")(?:--)?[ \t]*\r?$", re.M
    )
    cuts = [m.span() for m in pattern.finditer(raw)]
    pieces: list[bytes] = []
    position = 0
    dropped = 0
    for (_, end), (next_start, _) in zip(cuts, cuts[1:], strict=False):
        if next_start - end <= max_part_bytes:
            continue
        header_end = _header_end(raw, end, next_start)
        pieces.append(raw[position:header_end])
        omitted = next_start - header_end
        pieces.append(f"{OMITTED_HEADER}: {omitted}\r\n\r\n".encode())
        position = next_start
        dropped += 1
    if not dropped:
        return raw, 0
    pieces.append(raw[position:])
    return b"".join(pieces), dropped


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


def _part_text(part: Message) -> tuple[str, bool]:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encodings: fall back to the raw text
        payload = None
    if payload is None:
        body = part.get_payload()
        return (body if isinstance(body, str) else ""), False
    return decode_text(payload, part.get_content_charset())


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


def _walk_body(
    message: Message,
    texts: list[str],
    htmls: list[str],
    attachments: list[Attachment],
    warnings: list[str],
) -> None:
    """Collect the top-level body parts and the attachments, without entering attached mail."""
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
            name = _filename(part) or "forwarded.eml"
            data = b""
            omitted = 0
            if inner_message is not None:
                try:
                    data = inner_message.as_bytes()
                except Exception:
                    data = str(inner_message).encode("utf-8", "replace")
            attachments.append(Attachment(name, "message/rfc822", data, omitted))
            continue
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack[0:0] = children
            continue
        omitted = int(part.get(OMITTED_HEADER, "0") or 0) if part.get(OMITTED_HEADER) else 0
        if _is_attachment(part) or omitted:
            name = _filename(part) or f"part.{part.get_content_subtype() or 'bin'}"
            if omitted:
                attachments.append(Attachment(name, content_type, b"", omitted))
                continue
            try:
                data = part.get_payload(decode=True) or b""
            except Exception:
                data = b""
            attachments.append(Attachment(name, content_type, data))
            continue
        if content_type == "text/html":
            text, guessed = _part_text(part)
            htmls.append(text)
        elif part.get_content_maintype() == "text" or content_type == "message/delivery-status":
            text, guessed = _part_text(part)
            texts.append(text)
        else:
            continue
        if guessed and "charset_mismatch" not in warnings:
            warnings.append(f"charset_mismatch: declared {part.get_content_charset()!s}")


def _addresses(values: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    found = []
    for name, address in values or []:
        address = clean_header(address).strip().strip("<>").lower()
        if address:
            found.append((clean_header(name), address))
    return found


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def parse_mail(raw: bytes, limits: LimitsConfig | None = None) -> ParsedMail:
    """Parse raw message bytes into a ParsedMail; never raises on malformed input."""
    limits = limits or LimitsConfig()
    warnings: list[str] = []
    shrunk, _ = shrink_oversized_parts(raw, limits.max_attachment_bytes * 4 // 3 + 4096)
    try:
        parsed = mailparser.parse_from_bytes(shrunk)
    except Exception as exc:  # mail-parser gives up on some inputs: keep a minimal view
        import email

        warnings.append(f"parse_error: {type(exc).__name__}")
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
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    try:
        _walk_body(message, texts, htmls, attachments, warnings)
    except Exception as exc:
        warnings.append(f"parse_error: body: {type(exc).__name__}")
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
        warnings=warnings,
    )
