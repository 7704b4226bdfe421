"""What the sender wrote, apart from quoted history, forwarded mail and signatures.

A message's lines are cut into segments: ``own`` (the sender's words), ``signature``,
``quoted`` (reply history: ``>`` lines, "On … wrote:", a quoted notification),
``forwarded`` (a forwarded message's body, often where the names are) and
``forward_header`` (its From/To/Subject lines, whose addresses are correspondents, not
nominees). Forward and reply markers, header keys and closing formulas are the language
files' (``lexicon``), in every language they hold.
"""

import re
from dataclasses import dataclass, field

from bot.reading import Line, Table
from bot.reading.lexicon import accent_blind, lexicon
from bot.text import fold_accents

_LEXICON = lexicon()


def _words(key: str, start: bool = True, end: bool = True) -> str:
    return _LEXICON.alternation("zones", key, start, end)


# The zone patterns below are matched on accent-folded lines (``fold_accents``).
_RULE = r"[-_=*]{2,}"
_FORWARD_SEPARATOR = re.compile(
    rf"^[\s>]*{_RULE}\s*(?:{_words('forward_separators', end=False)})\s*{_RULE}\s*$"
)
_ORIGINAL_SEPARATOR = re.compile(
    rf"^[\s>]*{_RULE}\s*(?:{_words('original_separators', end=False)})\s*{_RULE}\s*$"
)
_FORWARD_INTRO = re.compile(rf"^\s*(?:{_words('forward_intro', end=False)})\s*:?\s*$")
_WROTE = re.compile(rf"(?:{_words('wrote', end=False)})\s*:\s*$")
_WROTE_START = re.compile(rf"^\s*(?:{_words('wrote_start')})")
# Header keys of every language, by what they introduce.
_KEYS = {
    role: set(_LEXICON.phrases("zones", f"header_{role}"))
    for role in ("from", "date", "to", "cc", "subject", "other")
}
_HEADER_LINE = re.compile(
    r"^[\s>*\u200e\u200f\u202a-\u202e\u2066-\u2069]*(?P<key>"
    + "|".join(accent_blind(k) for k in sorted(set().union(*_KEYS.values()), key=len, reverse=True))
    + r")\s*[:：]\s*\**(?P<value>.*)$",
    re.I,
)
_FORWARD_SUBJECT = re.compile(rf"^\s*(?:{_words('forward_subject')})\s*:")
_REPLY_SUBJECT = re.compile(rf"^\s*(?:{_words('reply_subject')})\s*:")
_CLOSING = re.compile(rf"^\s*(?:{_words('closing')})\s*[,.!]*\s*$")
# Lines that end a message or letter: "Many thanks and best regards,", "Veuillez agréer …".
_CLOSING_END = re.compile(rf"(?:{_words('closing_end', end=False)})\s*[,.!]*\s*$")
_LETTER_CLOSING = re.compile(rf"^\s*(?:{_words('letter_closing', end=False)})")
_SIGNATURE_DASHES = re.compile(r"^--\s*$")
MAX_SIGNATURE_LINES = 16


@dataclass
class Segment:
    """A run of lines of one kind; forwarded segments carry their parsed header."""

    zone: str
    lines: list[Line] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)


def answers_or_forwards(subject: str) -> bool:
    """Whether a subject is a reply's or a forward's ("RE: …", "Fwd: …", "回复：…"): its
    words are mostly the earlier message's, not the sender's."""
    subject = fold_accents(subject or "")
    return bool(_REPLY_SUBJECT.match(subject) or _FORWARD_SUBJECT.match(subject))


def _text(line: Line) -> str:
    return line if isinstance(line, str) else ""


def _is_quoted(line: Line) -> bool:
    return isinstance(line, str) and line.lstrip().startswith(">")


def _header_key(line: Line) -> tuple[str, str] | None:
    """(role of the key, value) of a header line such as "From: …" or "发件人：…"."""
    match = _HEADER_LINE.match(_text(line))
    if not match:
        return None
    key = " ".join(fold_accents(match.group("key")).split())
    role = next((r for r, keys in _KEYS.items() if key in keys), "other")
    return role, match.group("value").strip()


def _header_block_at(lines: list[Line], index: int) -> int:
    """Length of a header block (From/Sent/To/Subject, any order) starting at index, or 0."""
    roles: set[str] = set()
    end = index
    while end < len(lines) and end - index <= 10:
        found = _header_key(lines[end])
        if found:
            roles.add(found[0])
            end += 1
        elif roles and not _text(lines[end]).strip() and end - index < 2:
            end += 1
        else:
            break
    if "from" not in roles:
        return 0
    return end - index if len(roles & {"date", "subject", "to"}) >= 2 else 0


def _wrote_line(lines: list[Line], index: int) -> int:
    """1 or 2 when an attribution line ("On … wrote:") starts at index, else 0."""
    text = fold_accents(_text(lines[index])).strip().lstrip("> ")
    if not text or len(text) > 300:
        return 0
    if _WROTE.search(text) and (_WROTE_START.match(text) or "@" in text or "<" in text):
        return 1
    if index + 1 < len(lines) and _WROTE_START.match(text):
        following = fold_accents(_text(lines[index + 1])).strip().lstrip("> ")
        if _WROTE.search(following) and len(text) + len(following) < 300:
            return 2
    return 0


def _parse_header(lines: list[Line]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        found = _header_key(line)
        if not found:
            if _is_attribution(_text(line)):
                header.setdefault("from", _text(line).strip().rstrip(":"))
            continue
        role, value = found
        if role in ("from", "to", "cc", "subject"):
            header.setdefault(role, value)
    return header


def _is_closing(text: str) -> bool:
    if _SIGNATURE_DASHES.match(text):
        return True
    text = fold_accents(text)
    if len(text) <= 90 and _CLOSING.match(text):
        return True
    if len(text) <= 60 and _CLOSING_END.search(text):
        return True
    return len(text) <= 300 and bool(_LETTER_CLOSING.match(text))


def _split_signature(lines: list[Line], zone: str) -> list[Segment]:
    """Cut the signature (after a closing formula or '-- ') off the end of a run of lines."""
    cut = None
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if isinstance(line, Table):
            break
        remaining = sum(1 for later in lines[index + 1 :] if _text(later).strip())
        if remaining > MAX_SIGNATURE_LINES:
            break
        if any(isinstance(later, Table) for later in lines[index + 1 :]):
            break
        if _is_closing(_text(line)):
            cut = index
    if cut is None:
        return [Segment(zone, lines)]
    body, signature = lines[:cut], lines[cut:]
    return [s for s in (Segment(zone, body), Segment("signature", signature)) if s.lines]


@dataclass
class _Boundary:
    """Where earlier mail starts: how many lines its marker and header take, its header,
    and whether it is forwarded mail (read) or reply history (not read)."""

    size: int
    header: dict[str, str]
    forwarded: bool


def _after_separator(lines: list[Line], index: int) -> tuple[int, list[Line]]:
    """(lines taken, header lines) for a separator at ``index`` and the header block after it."""
    start = index + 1
    while start < len(lines) and not _text(lines[start]).strip():
        start += 1
    size = _header_block_at(lines, start) if start < len(lines) else 0
    if not size and start < len(lines) and _is_attribution(_text(lines[start])):
        size = 1
    return (start - index) + size, list(lines[start : start + size])


def _is_attribution(text: str) -> bool:
    """A forwarded message's one-line attribution, without a verb: '12.08.2025, 14:30,
    "Institute" <office@…>:' (Yandex, mail.ru)."""
    text = text.strip()
    return len(text) <= 200 and text.endswith(":") and "@" in text and not _header_key(text)


def _separator_forwards(text: str, forwarding: bool) -> bool:
    """'Forwarded message' forwards; 'Original message' does too under a forward subject."""
    return not _ORIGINAL_SEPARATOR.match(text) or forwarding


class _ZoneSplitter:
    """Walks the lines once, switching between own words, forwarded mail and history."""

    def __init__(self, subject: str, own_addresses: set[str], own_domains: set[str]) -> None:
        subject = fold_accents(subject or "")
        self.forwarding = bool(_FORWARD_SUBJECT.match(subject))
        self.replying = bool(_REPLY_SUBJECT.match(subject)) and not self.forwarding
        self.own_addresses = own_addresses
        self.own_domains = own_domains
        self.segments: list[Segment] = []
        self.mode = "own"  # own | forwarded | quoted
        self.current = Segment("own")

    def split(self, lines: list[Line]) -> list[Segment]:
        index = 0
        while index < len(lines):
            index += self._take(lines, index)
        self._close()
        return _merge(self.segments)

    def _take(self, lines: list[Line], index: int) -> int:
        """Read the line at ``index`` (and the header block it opens); how many lines it took."""
        boundary = self._boundary_at(lines, index)
        if boundary is not None:
            self.mode = "forwarded" if boundary.forwarded else "quoted"
            self._close()
            taken = list(lines[index : index + boundary.size])
            self.segments.append(Segment("forward_header", taken, boundary.header))
            return boundary.size
        line = lines[index]
        if self.mode != "quoted" and _is_quoted(line):
            if self.mode == "own":
                self._close()
            self.segments.append(Segment("quoted", [line]))
        else:
            self.current.lines.append(line)
        return 1

    def _boundary_at(self, lines: list[Line], index: int) -> _Boundary | None:
        """A separator, an attribution line or a header block starting at ``index``."""
        text = fold_accents(_text(lines[index]))
        block = 0
        separator = (
            _FORWARD_SEPARATOR.match(text)
            or _ORIGINAL_SEPARATOR.match(text)
            or _FORWARD_INTRO.match(text)
        )
        if separator:
            size, header_lines = _after_separator(lines, index)
            forwarded = _separator_forwards(text, self.forwarding)
        elif wrote := _wrote_line(lines, index):
            size, header_lines, forwarded = wrote, [], False
        elif block := _header_block_at(lines, index):
            size, header_lines = block, list(lines[index : index + block])
            forwarded = self.forwarding or not self.replying
        else:
            return None
        header = _parse_header(header_lines)
        if block and not self.forwarding and self._is_secretariat(header.get("to", "")):
            # Under a subject of its own, a block addressed to the secretariat is the
            # sender's earlier mail to it ("further to our message of 3 July"), not a forward.
            forwarded = False
        # Inside history everything is history; a secretariat notification is never forwarded.
        forwarded = forwarded and self.mode != "quoted" and not self._from_secretariat(header)
        return _Boundary(size, header, forwarded)

    def _close(self) -> None:
        """The current run of lines ends; own and forwarded runs lose their signature."""
        if self.current.lines:
            if self.current.zone in ("own", "forwarded"):
                self.segments.extend(_split_signature(self.current.lines, self.current.zone))
            else:
                self.segments.append(self.current)
        self.current = Segment(self.mode)

    def _from_secretariat(self, header: dict[str, str]) -> bool:
        return self._is_secretariat(header.get("from", ""))

    def _is_secretariat(self, value: str) -> bool:
        """Whether a header value names one of the secretariat's addresses or domains."""
        value = value.lower()
        return any(a in value for a in self.own_addresses) or any(
            f"@{d}" in value or f".{d}" in value for d in self.own_domains
        )


def split_zones(
    lines: list[Line],
    subject: str = "",
    own_addresses: set[str] | None = None,
    own_domains: set[str] | None = None,
) -> list[Segment]:
    """Cut a message body into zones; see the module docstring for their meaning."""
    return _ZoneSplitter(subject, own_addresses or set(), own_domains or set()).split(lines)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if (
            merged
            and merged[-1].zone == segment.zone
            and segment.zone == "quoted"
            and not segment.header
        ):
            merged[-1].lines.extend(segment.lines)
        else:
            merged.append(segment)
    return merged
