"""Outlook .msg files with extract-msg, read as a forwarded message would be.

The lines start with a forward separator and a From/Date/To/Cc/Subject block, so the
zone reader takes the sender and recipients as correspondents and the body as forwarded
text; the body follows (plain text, else HTML, else the compressed RTF), then the lines
of the message's own attachments, one level down, each under the message's separator
and header again so that it is a run of its own (the body's signature ends before it):
a message attached to it gives its header and body, not its attachments. Attachments
are opened one by one up to the configured number, so a file with thousands of them
costs no more than that.
"""

import logging
import struct
from collections.abc import Callable
from email.utils import format_datetime, quote

from bot.config import LimitsConfig
from bot.message.parse import Attachment
from bot.reading import Line
from bot.reading.columns import column_tables
from bot.reading.encodings import decode_unknown
from bot.reading.files import AttachmentText, Unreadable, file_warning
from bot.reading.html import html_to_lines
from bot.reading.rtf import read_rtf
from bot.vocab import WarningCode

logging.getLogger("extract_msg").setLevel(logging.CRITICAL)
SEPARATOR = "---------- Forwarded message ---------"
MSG_TYPE = "application/vnd.ms-outlook"
MAX_RECIPIENTS = 200
MAX_COMPRESSED_RTF = 1024 * 1024  # its decompressor is slow pure Python
_BODY = "__substg1.0_1000"
_HTML = "__substg1.0_10130102"
_RTF = "__substg1.0_10090102"
_SENDER_NAME = "__substg1.0_0C1A"
# Where an Outlook file may keep the sender's address: SMTP address, address, sent
# representing: address, SMTP address.
_SENDER_ADDRESSES = ("__substg1.0_5D01", "__substg1.0_0C1F", "__substg1.0_0065", "__substg1.0_5D02")
_ATTACHMENT_DIR = "__attach_version1.0_#"

ReadInner = Callable[[Attachment], AttachmentText]


def _address(name: str, address: str) -> str:
    """``Name <address>``, the name quoted when it holds a comma or another special."""
    name, address = " ".join(name.split()), address.strip()
    if not name or name == address:
        return address
    if any(c in name for c in ',;:<>@"()[]\\'):
        name = f'"{quote(name)}"'
    return f"{name} <{address}>"


def _sender(msg) -> str:
    """The sender as a From header value, with the address wherever the file keeps it."""
    sender = msg.sender or ""
    if "@" in sender:
        return sender
    name = msg.getStringStream(_SENDER_NAME) or sender
    for stream in _SENDER_ADDRESSES:
        address = msg.getStringStream(stream) or ""
        if "@" in address:
            return _address(name, address)
    return name


def _recipients(msg, kind) -> str:
    """The recipients of one kind (To, Cc) as a header value."""
    found = [r for r in msg.recipients if r.type == kind][:MAX_RECIPIENTS]
    return ", ".join(_address(r.name or "", r.email) for r in found if r.email)


def header_lines(msg) -> list[str]:
    """From, Date, To, Cc and Subject as a forwarded message's header block; From, To and
    Subject even when empty, so that the zone reader always sees a header block."""
    from extract_msg.enums import RecipientType

    lines = [f"From: {_sender(msg)}"]
    date = msg.date
    if date is not None:
        lines.append(f"Date: {format_datetime(date) if date.tzinfo else date.isoformat()}")
    lines.append(f"To: {_recipients(msg, RecipientType.TO)}")
    cc = _recipients(msg, RecipientType.CC)
    if cc:
        lines.append(f"Cc: {cc}")
    lines.append(f"Subject: {msg.subject or ''}")
    return [line.rstrip() for line in lines]


def _rtf_body(msg, limits: LimitsConfig) -> list[Line]:
    """The compressed RTF body, when it is the only one and small enough to expand."""
    import compressed_rtf

    data = msg.getStream(_RTF)
    if not data or len(data) > MAX_COMPRESSED_RTF or len(data) < 16:
        return []
    raw_size = struct.unpack("<I", data[4:8])[0]
    if raw_size > limits.max_text_chars * 4:
        return []
    return read_rtf(compressed_rtf.decompress(data)[: limits.max_text_chars * 4], limits)


def body_lines(msg, limits: LimitsConfig) -> list[Line]:
    """The body as lines: the plain text, else the HTML, else the RTF."""
    text = msg.getStringStream(_BODY)
    if text and text.strip():
        text = text[: limits.max_text_chars].replace("\r\n", "\n")
        return [line for line in column_tables([t.rstrip() for t in text.split("\n")]) if line]
    html = msg.getStream(_HTML)
    if html:
        markup, _ = decode_unknown(html[: limits.max_text_chars * 4])
        return html_to_lines(markup).lines
    return _rtf_body(msg, limits)


def _attachment_dirs(msg) -> list[str]:
    names = {entry[0] for entry in msg.listDir(False, True, False)}
    return sorted(name for name in names if name.startswith(_ATTACHMENT_DIR))


class _MsgReader:
    """Reads one .msg into ``result``, and its attachments one level down."""

    def __init__(self, limits: LimitsConfig, result: AttachmentText, read_inner: ReadInner):
        self.limits = limits
        self.result = result
        self.read_inner = read_inner

    def warn(self, code: WarningCode, why: str) -> None:
        self.result.warnings.append(file_warning(code, self.result.filename, why))

    def message(self, msg, depth: int) -> list[Line]:
        header: list[Line] = [SEPARATOR, *header_lines(msg)]
        lines = [*header, *body_lines(msg, self.limits)]
        directories = _attachment_dirs(msg)
        if directories and depth >= 1:
            self.warn(WarningCode.ATTACHMENT_SKIPPED, "attachments of an attached message")
            return lines
        limit = self.limits.max_attachments
        if len(directories) > limit:
            past = f"{len(directories) - limit} attachments past the limit of {limit}"
            self.warn(WarningCode.ATTACHMENT_SKIPPED, past)
        for directory in directories[:limit]:
            content = self.attachment(msg, directory, depth)
            if content and content[0] != SEPARATOR:
                content = [*header, *content]  # came with this message: its own run
            lines.extend(content)
        return lines

    def attachment(self, msg, directory: str, depth: int) -> list[Line]:
        from extract_msg.enums import AttachmentType

        try:
            item = msg.initAttachmentFunc(msg, directory)
        except Exception as exc:  # one broken attachment must not lose the message
            self.warn(WarningCode.UNREADABLE_ATTACHMENT, f"an attachment ({type(exc).__name__})")
            return []
        if item.type == AttachmentType.MSG:
            return self.message(item.data, depth + 1)
        if item.type != AttachmentType.DATA or not isinstance(item.data, bytes):
            return []
        name = item.longFilename or item.shortFilename or directory
        inner = Attachment(name, item.mimetype or "application/octet-stream", item.data)
        if name.lower().endswith(".msg") or inner.content_type == MSG_TYPE:
            return self.embedded_file(inner, depth)
        content = self.read_inner(inner)
        self.result.warnings.extend(content.warnings)
        return content.lines

    def embedded_file(self, attachment: Attachment, depth: int) -> list[Line]:
        """A .msg attached as a file to this one: its header and body, nothing deeper."""
        try:
            msg = open_msg(attachment.data)
        except Unreadable as exc:
            self.warn(WarningCode.UNREADABLE_ATTACHMENT, f"{attachment.filename}: {exc}")
            return []
        try:
            return self.message(msg, depth + 1)
        finally:
            msg.close()


def open_msg(data: bytes):
    """The extract-msg object of a .msg file, its attachments opened only when asked."""
    import extract_msg

    try:
        return extract_msg.openMsg(data, delayAttachments=True, strict=False)
    except Exception as exc:
        raise Unreadable(f"not a readable Outlook message ({type(exc).__name__})") from None


def read_msg(
    data: bytes, limits: LimitsConfig, result: AttachmentText, read_inner: ReadInner
) -> None:
    """Read an Outlook message into ``result``; ``read_inner`` reads its attachments."""
    if limits.max_nesting < 1:
        result.warnings.append(
            file_warning(WarningCode.ATTACHMENT_SKIPPED, result.filename, "nested too deep")
        )
        return
    msg = open_msg(data)
    try:
        result.lines = _MsgReader(limits, result, read_inner).message(msg, depth=0)
    finally:
        msg.close()
