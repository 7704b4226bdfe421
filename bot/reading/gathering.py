"""Gathering candidates: every zone of the body, every attachment and every attached mail.

The first step of the analysis after the robot check: the body (text, or HTML when it says
more) is cut into zones; the sender's own zones and forwarded mail are read for
candidates, forward headers give correspondents, attachments are read within the limits
(their problems become warnings) and attached messages are read as forwarded mail. Nothing
is decided here: ``nominees`` chooses among what was gathered.
"""

import re
from dataclasses import dataclass, field
from email.utils import getaddresses

from bot.message.parse import Attachment, ParsedMail, parse_mail
from bot.reading import Line, Table
from bot.reading.addresses import find_addresses
from bot.reading.attachments import read_attachment
from bot.reading.candidates import Candidate
from bot.reading.columns import column_tables
from bot.reading.context import AnalysisContext
from bot.reading.html import html_to_lines
from bot.reading.names import name_from_display
from bot.reading.names_in_text import honorific_for
from bot.reading.participants import read_lines
from bot.reading.vocabulary import SELF_NOMINATION, folded
from bot.reading.zones import Segment, split_zones
from bot.vocab import Warning, WarningCode

_MAILTO_BRACKETS = re.compile(r"\[mailto:([^\]]+)\]")
_BARE_ADDRESS = re.compile(r"[\w.+'-]+@[\w.-]+\.\w+")
# Zones whose lines are read for candidates.
_READ_ZONES = ("own", "forwarded")


@dataclass
class Gathered:
    """Everything gathered from the zones of a message before deciding."""

    candidates: list[tuple[Candidate, Segment | None]] = field(default_factory=list)
    names_only: list[Candidate] = field(default_factory=list)
    own_text: list[str] = field(default_factory=list)
    other_text: list[str] = field(default_factory=list)
    attachment_text: list[str] = field(default_factory=list)
    correspondents: set[str] = field(default_factory=set)
    # Lines of quoted reply history that hold an address (earlier nominations, say).
    history: list[str] = field(default_factory=list)
    # Addresses in the signatures of the sender's own words: the sender's office.
    signature_addresses: set[str] = field(default_factory=set)
    warnings: list[Warning] = field(default_factory=list)
    obfuscated: bool = False

    def texts_of(self, zone: str) -> list[str]:
        """Where the text of a zone read as ``own``, ``attachment`` or ``forwarded`` goes."""
        if zone == "attachment":
            return self.attachment_text
        return self.own_text if zone == "own" else self.other_text


# Images that may be a scanned page (logos and photos come back from OCR with nothing).
SCANNED_IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")


def text_of(lines: list[Line]) -> str:
    """Lines as plain text, a table's cells joined by bars."""
    parts = []
    for line in lines:
        if isinstance(line, Table):
            parts.extend(" | ".join(row) for row in line.rows)
        else:
            parts.append(line)
    return "\n".join(parts)


def _may_be_richer(html: str) -> bool:
    """Whether the HTML can hold what its text/plain alternative lost (a table, a mailto
    link): else, beside a text part, it is not parsed at all."""
    lowered = html.lower()
    return "<table" in lowered or "mailto:" in lowered


def body_lines(mail: ParsedMail) -> tuple[list[Line], str]:
    """The lines to read and their source: text/plain, or HTML when it says more."""
    plain = mail.text.strip()
    if mail.html.strip() and (not plain or _may_be_richer(mail.html)):
        html = html_to_lines(mail.html)
        if not plain or html.is_richer_than_text:
            return html.lines, "html"
    return column_tables([line.rstrip() for line in mail.text.splitlines()]), "body"


def addresses_in_header(value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs in a header as written in a forwarded mail's text."""
    value = _MAILTO_BRACKETS.sub(r"<\1>", value)
    pairs = []
    for name, address in getaddresses([value]):
        if "@" in address:
            pairs.append((name, address.strip().lower()))
    if not pairs:
        pairs = [("", a.lower()) for a in _BARE_ADDRESS.findall(value)]
    return pairs


def _sender_as_nominee(display: str, address: str, source: str, text: str) -> Candidate:
    """The author of a forwarded or attached mail, asking to take part; the title is the
    one their own text gives them ("Je soussignée, Dr Amel Ben Salah")."""
    person, title = name_from_display(display)
    title = title or honorific_for(person, text)
    return Candidate(address, name=person, title=title, source=source, listed=True, shape="sender")


def _read_segment(
    segment: Segment, header: dict[str, str], source: str, gathered: Gathered, own_zone: str
) -> None:
    zone = own_zone if segment.zone == "own" else "forwarded"
    text = text_of(segment.lines)
    gathered.texts_of(zone).append(text)
    reading = read_lines(segment.lines, source)
    gathered.obfuscated |= reading.obfuscated
    context = segment if zone == "forwarded" else None
    if context is not None:
        context.header = header
    gathered.candidates.extend((candidate, context) for candidate in reading.candidates)
    gathered.names_only.extend(reading.names_without_address)
    if zone == "forwarded" and SELF_NOMINATION.search(folded(text)):
        # The forwarded mail is the nominee asking to take part.
        for name, address in addresses_in_header(header.get("from", ""))[:1]:
            candidate = _sender_as_nominee(name, address, source, text)
            gathered.candidates.append((candidate, None))


def read_segments(segments: list[Segment], source: str, gathered: Gathered, own_zone: str) -> None:
    """Gather candidates from readable zones; ``own_zone`` names what 'own' means here."""
    header: dict[str, str] = {}
    for segment in segments:
        if segment.zone == "forward_header":
            header = segment.header
            for key in ("from", "to", "cc"):
                gathered.correspondents.update(
                    address for _, address in addresses_in_header(header.get(key, ""))
                )
        elif segment.zone in _READ_ZONES:
            _read_segment(segment, header, source, gathered, own_zone)
        elif segment.zone == "signature" and own_zone == "own":
            gathered.signature_addresses.update(
                found.address
                for line in segment.lines
                if isinstance(line, str) and "@" in line
                for found in find_addresses(line)
            )
        elif segment.zone == "quoted":
            gathered.history.extend(
                line for line in segment.lines if isinstance(line, str) and "@" in line
            )


def _read_attached_mail(
    attachment: Attachment, context: AnalysisContext, gathered: Gathered, depth: int
) -> None:
    """An attached message, read as forwarded mail (and its own attachments, one level down)."""
    if depth >= context.limits.max_nesting:
        gathered.warnings.append(
            Warning(
                WarningCode.ATTACHMENT_SKIPPED,
                f"{attachment.filename}: nested too deep",
                attachment.filename,
            )
        )
        return
    source = f"attachment:{attachment.filename}"
    inner = parse_mail(attachment.data, context.limits)
    lines, _ = body_lines(inner)
    segments = split_zones(lines, inner.subject, context.own_addresses, context.own_domains)
    if inner.from_email:
        gathered.correspondents.add(inner.from_email)
    before = len(gathered.other_text)
    read_segments(segments, source, gathered, own_zone="forwarded")
    inner_text = "\n".join(gathered.other_text[before:])
    if inner.from_email and SELF_NOMINATION.search(folded(inner_text)):
        candidate = _sender_as_nominee(inner.from_name, inner.from_email, source, inner_text)
        gathered.candidates.append((candidate, None))
    read_attachments(inner, context, gathered, depth + 1)


def _read_attached_file(
    attachment: Attachment, context: AnalysisContext, gathered: Gathered
) -> None:
    content = read_attachment(attachment, context.limits)
    gathered.warnings.extend(content.warnings)
    if not content.lines:
        return
    segments = split_zones(content.lines, "", context.own_addresses, context.own_domains)
    read_segments(segments, f"attachment:{attachment.filename}", gathered, own_zone="attachment")


def read_attachments(
    mail: ParsedMail, context: AnalysisContext, gathered: Gathered, depth: int
) -> None:
    """Every attachment that is not an image, up to the configured number."""
    limit = context.limits.max_attachments
    readable = [
        a
        for a in mail.attachments
        if not a.content_type.startswith("image/") or a.content_type in SCANNED_IMAGE_TYPES
    ]
    for index, attachment in enumerate(readable):
        if index >= limit:
            gathered.warnings.append(
                Warning(
                    WarningCode.ATTACHMENT_SKIPPED,
                    f"{len(readable) - index} attachments past the limit of {limit}",
                )
            )
            break
        if attachment.is_message:
            _read_attached_mail(attachment, context, gathered, depth)
        else:
            _read_attached_file(attachment, context, gathered)


def gather(mail: ParsedMail, context: AnalysisContext) -> Gathered:
    """Candidates, texts and warnings from the body and every attachment of a message."""
    gathered = Gathered()
    lines, source = body_lines(mail)
    segments = split_zones(lines, mail.subject, context.own_addresses, context.own_domains)
    read_segments(segments, source, gathered, own_zone="own")
    read_attachments(mail, context, gathered, depth=0)
    return gathered
