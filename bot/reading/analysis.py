"""One message, read as a secretariat officer would: the pure heart of the pipeline.

raw bytes → MIME → robot check → zones → candidates (body, HTML, Cc, attachments,
attached mail) → who is really nominated → kind → event → language. No database and no
network: ``nombot parse`` prints this, and the pipeline decides from it.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.utils import getaddresses

from bot.config import LimitsConfig
from bot.message.parse import ParsedMail, parse_mail
from bot.message.robots import detect_robot
from bot.reading import Line, Table
from bot.reading.attachments import read_attachment
from bot.reading.columns import column_tables
from bot.reading.html import html_to_lines
from bot.reading.language import detect_language
from bot.reading.names import name_from_display, same_person
from bot.reading.participants import Candidate, Reading, read_lines
from bot.reading.references import EventTerms, mentions_event
from bot.reading.vocabulary import (
    FOR_INFORMATION,
    NOMINATION,
    NOMINEES_IN_COPY,
    PARTICIPATION,
    SELF_NOMINATION,
    folded,
)
from bot.reading.zones import Segment, split_zones

UNREAD_WARNINGS = ("unreadable_attachment", "no_text_layer", "attachment_too_large")


@dataclass
class Nominee:
    """A participant as ``nombot parse`` reports it."""

    name: str | None
    email: str | None
    title: str | None
    organization: str | None
    country: str | None
    source: str


@dataclass
class AnalysisContext:
    """What the analysis needs besides the message: events, our own addresses, limits."""

    events: list[EventTerms] = field(default_factory=list)
    own_addresses: set[str] = field(default_factory=set)
    own_domains: set[str] = field(default_factory=set)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    default_language: str = "en"


@dataclass
class Analysis:
    """Everything read from one message; ``as_json`` is the ``nombot parse`` shape."""

    message_id: str | None
    from_name: str
    from_email: str
    subject: str
    language: str
    kind: str
    event: str | None
    participants: list[Nominee]
    withdrawn: list[str]
    bounced: list[str]
    warnings: list[str]
    date: datetime | None = None
    robot_reason: str = ""
    route_reason: str = ""
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    route_text: str = ""  # the text routing reads to choose the event (not printed)

    def as_json(self, file: str | None = None) -> dict:
        return {
            "file": file,
            "message_id": self.message_id,
            "from": {"name": self.from_name or None, "email": self.from_email or None},
            "subject": self.subject,
            "language": self.language,
            "kind": self.kind,
            "event": self.event,
            "participants": [asdict(p) for p in self.participants],
            "withdrawn": self.withdrawn,
            "bounced": self.bounced,
            "warnings": [str(w) for w in self.warnings],
        }


@dataclass
class _Found:
    """Everything gathered from the zones of a message before deciding."""

    candidates: list[tuple[Candidate, Segment | None]] = field(default_factory=list)
    names_only: list[Candidate] = field(default_factory=list)
    own_text: list[str] = field(default_factory=list)
    other_text: list[str] = field(default_factory=list)
    attachment_text: list[str] = field(default_factory=list)
    correspondents: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    obfuscated: bool = False


def _text_of(lines: list[Line]) -> str:
    parts = []
    for line in lines:
        if isinstance(line, Table):
            parts.extend(" | ".join(row) for row in line.rows)
        else:
            parts.append(line)
    return "\n".join(parts)


def _body_lines(mail: ParsedMail) -> tuple[list[Line], str]:
    """The lines to read and their source: text/plain, or HTML when it says more."""
    plain = mail.text.strip()
    if mail.html.strip():
        html = html_to_lines(mail.html)
        if not plain or html.is_richer_than_text:
            return html.lines, "html"
    return column_tables([line.rstrip() for line in mail.text.splitlines()]), "body"


def _addresses_in_header(value: str) -> list[tuple[str, str]]:
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value)
    pairs = []
    for name, address in getaddresses([value]):
        if "@" in address:
            pairs.append((name, address.strip().lower()))
    if not pairs:
        pairs = [("", a.lower()) for a in re.findall(r"[\w.+'-]+@[\w.-]+\.\w+", value)]
    return pairs


def _read_segments(segments: list[Segment], source: str, found: _Found, own_zone: str) -> None:
    """Gather candidates from readable zones; ``own_zone`` names what 'own' means here."""
    header: dict[str, str] = {}
    for segment in segments:
        if segment.zone == "forward_header":
            header = segment.header
            for key in ("from", "to", "cc"):
                for _, address in _addresses_in_header(header.get(key, "")):
                    found.correspondents.add(address)
            continue
        if segment.zone not in ("own", "forwarded"):
            continue
        zone = own_zone if segment.zone == "own" else "forwarded"
        text = _text_of(segment.lines)
        if zone == "attachment":
            found.attachment_text.append(text)
        else:
            (found.own_text if zone == "own" else found.other_text).append(text)
        reading: Reading = read_lines(segment.lines, source)
        found.obfuscated |= reading.obfuscated
        context = segment if zone == "forwarded" else None
        if context is not None:
            context.header = header
        for candidate in reading.candidates:
            found.candidates.append((candidate, context))
        found.names_only.extend(reading.names_without_address)
        if zone == "forwarded" and SELF_NOMINATION.search(folded(text)):
            # The forwarded mail is the nominee asking to take part.
            for name, address in _addresses_in_header(header.get("from", ""))[:1]:
                person, title = name_from_display(name)
                found.candidates.append(
                    (
                        Candidate(address, name=person, title=title, source=source, listed=True),
                        None,
                    )
                )


def _read_attachments(
    mail: ParsedMail, context: AnalysisContext, found: _Found, depth: int
) -> None:
    limits = context.limits
    readable = [a for a in mail.attachments if not a.content_type.startswith("image/")]
    for index, attachment in enumerate(readable):
        if index >= limits.max_attachments:
            found.warnings.append(
                f"attachment_skipped: {len(readable) - index} attachments past the limit of "
                f"{limits.max_attachments}"
            )
            break
        source = f"attachment:{attachment.filename}"
        if attachment.is_message:
            if depth >= limits.max_nesting:
                found.warnings.append(f"attachment_skipped: {attachment.filename}: nested too deep")
                continue
            inner = parse_mail(attachment.data, limits)
            lines, _ = _body_lines(inner)
            segments = split_zones(lines, inner.subject, context.own_addresses, context.own_domains)
            if inner.from_email:
                found.correspondents.add(inner.from_email)
            before = len(found.other_text)
            _read_segments(segments, source, found, own_zone="forwarded")
            inner_text = "\n".join(found.other_text[before:])
            if inner.from_email and SELF_NOMINATION.search(folded(inner_text)):
                person, title = name_from_display(inner.from_name)
                found.candidates.append(
                    (
                        Candidate(
                            inner.from_email,
                            name=person,
                            title=title,
                            source=source,
                            listed=True,
                        ),
                        None,
                    )
                )
            _read_attachments(inner, context, found, depth + 1)
            continue
        content = read_attachment(attachment, limits)
        found.warnings.extend(content.warnings)
        if not content.lines:
            continue
        segments = split_zones(content.lines, "", context.own_addresses, context.own_domains)
        _read_segments(segments, source, found, own_zone="attachment")


def _is_ours(address: str, context: AnalysisContext) -> bool:
    domain = address.rpartition("@")[2]
    return address in context.own_addresses or any(
        domain == d or domain.endswith("." + d) for d in context.own_domains
    )


def _copy_nominees(
    mail: ParsedMail, own_text: str, names_only: list[Candidate], context: AnalysisContext
) -> list[Candidate]:
    """Nominees given only as copied recipients, when the text says they are copied."""
    if not NOMINEES_IN_COPY.search(folded(own_text)):
        return []
    info_lines = [line for line in own_text.splitlines() if FOR_INFORMATION.search(folded(line))]
    recipients = [
        (n, a) for n, a in mail.cc + mail.to if a != mail.from_email and not _is_ours(a, context)
    ]
    chosen = []
    named = [c for c in names_only if c.name]
    for display, address in recipients[:200]:
        person, title = name_from_display(display)
        if any(
            address in line.lower() or (person and same_person(person, line)) for line in info_lines
        ):
            continue
        if named:
            match = next((c for c in named if same_person(c.name, person or display)), None)
            if match is None:
                continue
            person, title = match.name, match.title or title
        chosen.append(Candidate(address, name=person, title=title, source="cc", listed=True))
    return chosen


def _self_candidate(mail: ParsedMail) -> Candidate:
    person, title = name_from_display(mail.from_name)
    return Candidate(mail.from_email, name=person, title=title, source="sender", listed=True)


def analyse(raw: bytes, context: AnalysisContext | None = None) -> Analysis:
    """Read one message. Never raises on bad input: problems become warnings."""
    context = context or AnalysisContext()
    mail = parse_mail(raw, context.limits)
    return analyse_mail(mail, context)


def analyse_mail(mail: ParsedMail, context: AnalysisContext) -> Analysis:
    """Read a parsed message; the event is chosen later, by routing in the policy stage."""
    result = Analysis(
        message_id=mail.message_id,
        from_name=mail.from_name,
        from_email=mail.from_email,
        subject=mail.subject,
        language=context.default_language,
        kind="other",
        event=None,
        participants=[],
        withdrawn=[],
        bounced=[],
        warnings=list(mail.warnings),
        date=mail.date,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
    )
    robot = detect_robot(mail)
    if robot.kind:
        result.kind, result.robot_reason, result.bounced = robot.kind, robot.reason, robot.bounced
        result.warnings += [f"delivery_delayed: {a}" for a in robot.delayed]
        result.language = detect_language(
            f"{mail.subject}\n{mail.text[:5000]}", context.default_language
        )
        return result

    found = _Found()
    lines, source = _body_lines(mail)
    segments = split_zones(lines, mail.subject, context.own_addresses, context.own_domains)
    _read_segments(segments, source, found, own_zone="own")
    _read_attachments(mail, context, found, depth=0)
    result.warnings += found.warnings
    own_text = "\n".join(found.own_text)
    own_folded = folded(f"{mail.subject}\n{own_text}")

    kept: dict[str, Candidate] = {}
    withdrawn: list[str] = []
    self_nominated = bool(SELF_NOMINATION.search(own_folded)) and bool(mail.from_email)
    if self_nominated and not _is_ours(mail.from_email, context):
        kept[mail.from_email] = _self_candidate(mail)
    for candidate, segment in found.candidates:
        address = candidate.email or ""
        if not address or candidate.excluded or _is_ours(address, context):
            continue
        if address == mail.from_email:
            if not (candidate.listed or self_nominated):
                continue
            candidate.source = "sender"
        elif (
            segment is not None
            and not candidate.listed
            and any(a == address for _, a in _addresses_in_header(segment.header.get("from", "")))
        ):
            continue  # the forwarded mail's author, mentioned in passing
        if candidate.withdrawn:
            if address not in withdrawn:
                withdrawn.append(address)
            continue
        if address in kept:
            kept[address].absorb(candidate)
        else:
            kept[address] = candidate
    for candidate in _copy_nominees(mail, own_text, found.names_only, context):
        if candidate.email not in kept and candidate.email not in withdrawn:
            kept[candidate.email] = candidate
    for address in withdrawn:
        kept.pop(address, None)

    # Fill in names from the headers where the text gave only the address.
    displays = {a: n for n, a in mail.to + mail.cc + mail.reply_to}
    for address, candidate in kept.items():
        if not candidate.name and displays.get(address):
            candidate.name, honorific = name_from_display(displays[address])
            candidate.title = candidate.title or honorific

    names_only = []
    for candidate in found.names_only:
        if candidate.withdrawn:
            continue
        if any(same_person(candidate.name, c.name) for c in kept.values()):
            continue
        if self_nominated and same_person(candidate.name, mail.from_name):
            continue
        if any(same_person(candidate.name, n.name) for n in names_only):
            continue
        names_only.append(candidate)

    everything = "\n".join([mail.subject, own_text, *found.other_text, *found.attachment_text])
    everything_folded = folded(everything)
    about_an_event = mentions_event(context.events, f"{everything}\n{mail.text}")
    has_cue = bool(NOMINATION.search(everything_folded)) or (
        about_an_event and (self_nominated or bool(PARTICIPATION.search(everything_folded)))
    )
    unread = any(str(w).startswith(UNREAD_WARNINGS) for w in found.warnings)
    result.route_text = f"{everything}\n{mail.text}"
    if (kept or names_only) and has_cue:
        result.kind = "nomination"
    elif unread and has_cue and not withdrawn:
        result.kind = "nomination"  # the nominees are in an attachment we could not read
    elif withdrawn and (has_cue or about_an_event):
        result.kind = "withdrawal"
    else:
        result.kind = "other"

    if result.kind in ("nomination", "withdrawal"):
        result.participants = [
            Nominee(c.name, c.email, c.title, c.organization, c.country, c.source)
            for c in list(kept.values()) + names_only
        ]
        result.withdrawn = withdrawn
        for candidate in names_only:
            result.warnings.append(f"missing_address: {candidate.name}")
        if found.obfuscated and any(c.obfuscated for c in kept.values()):
            result.warnings.append(
                "obfuscated_address: an address was written with words; check it"
            )
    language_text = f"{mail.subject}\n{own_text}"
    if len(own_text.split()) < 12:
        language_text += "\n" + "\n".join(found.other_text)
    result.language = detect_language(language_text, context.default_language)
    return result
