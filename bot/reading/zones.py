"""What the sender wrote, apart from quoted history, forwarded mail and signatures.

A message's lines are cut into segments: ``own`` (the sender's words), ``signature``,
``quoted`` (reply history: ``>`` lines, "On … wrote:", a quoted notification),
``forwarded`` (a forwarded message's body, often where the names are) and
``forward_header`` (its From/To/Subject lines, whose addresses are correspondents, not
nominees). Forward and reply markers are recognised in English, French and Spanish.
"""

import re
from dataclasses import dataclass, field

from bot.reading import Line, Table
from bot.text import fold_accents

_SEPARATOR = re.compile(
    r"^[\s>]*[-_=*]{2,}\s*(?P<what>forwarded message|forwarded e-?mail|original message|"
    r"message transf[ée]r[ée]|message d'origine|message original|courriel original|"
    r"mensaje reenviado|mensaje original|correo reenviado|mensagem encaminhada|"
    r"mensagem original|weitergeleitete nachricht|urspr[üu]ngliche nachricht)\s*[-_=*]{2,}\s*$",
    re.I,
)
_FORWARD_INTRO = re.compile(
    r"^\s*(begin forwarded message|d[ée]but du message r[ée]exp[ée]di[ée]|"
    r"inicio del mensaje reenviado|mensaje reenviado|forwarded message)\s*:?\s*$",
    re.I,
)
_WROTE = re.compile(r"(\bwrote|a [ée]crit|escribi[óo]|schrieb|scrisse|escreveu)\s*:\s*$", re.I)
_WROTE_START = re.compile(r"^\s*(on|le|el|en|am|il|em)\b", re.I)
_HEADER_LINE = re.compile(
    r"^[\s>*]*(?P<key>from|de|von|da|sent|envoy[ée]|envoy[ée] par|enviado|gesendet|date|fecha|"
    r"datum|data|to|[àa]|pour|para|an|cc|cci|bcc|subject|sujet|objet|asunto|betreff|oggetto|"
    r"assunto|reply-to|r[ée]pondre [àa]|responder a|importance|priorit[ée])\s*:\s*\**"
    r"(?P<value>.*)$",
    re.I,
)
_FROM_KEYS = {"from", "de", "von", "da"}
_DATE_KEYS = {"sent", "envoye", "envoyé", "enviado", "gesendet", "date", "fecha", "datum", "data"}
_SUBJECT_KEYS = {"subject", "sujet", "objet", "asunto", "betreff", "oggetto", "assunto"}
_TO_KEYS = {"to", "à", "a", "pour", "para", "an"}
_CC_KEYS = {"cc", "cci", "bcc"}
_FORWARD_SUBJECT = re.compile(r"^\s*(fw|fwd|tr|rv|enc|wg|i)\s*:", re.I)
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|r|sv|antw|ref|réf|rép|resp)\s*:", re.I)
_CLOSING = re.compile(
    r"^\s*((best|kind|warm|warmest|with best|with kind)\s+regards|regards|sincerely|"
    r"yours\s+(sincerely|faithfully|truly)|(with\s+)?(best|kind)\s+wishes|best|cheers|"
    r"thanks?(\s+you)?(\s+in advance)?|many thanks|respectfully|cordialement|"
    r"(bien|tres|très)\s+cordialement|salutations|(sinceres|sincères|meilleures)\s+salutations|"
    r"bien [àa] vous|merci(\s+beaucoup|\s+d.avance)?|atentamente|"
    r"(un\s+)?(cordial\s+)?saludo(s)?(\s+cordiales)?|cordialmente|muchas gracias|"
    r"gracias(\s+de antemano)?|saludos cordiales|un abrazo|abrazos)\s*[,.!]*\s*$",
    re.I,
)
# Lines that end a message or letter: "Many thanks and best regards,", "Veuillez agréer …".
_CLOSING_END = re.compile(
    r"((best|kind|warm)?\s*regards|sincerely|cordialement|salutations|atentamente|"
    r"saludos( cordiales)?|cordialmente|consid[ée]ration( distingu[ée]e)?|"
    r"distinguid[oa]s? saludos)\s*[,.!]*\s*$",
    re.I,
)
_LETTER_CLOSING = re.compile(
    r"^\s*(veuillez agr[ée]er|je vous prie d.agr[ée]er|(je vous prie de )?recevoir|"
    r"avec mes (meilleures|sinc[èe]res)|le saluda atentamente|sin otro particular|"
    r"aprovecho (la|esta) (ocasi[óo]n|oportunidad)|hago propicia|me valgo de la ocasi[óo]n|"
    r"please accept(, [^,]+,)? the assurances|accept(, [^,]+,)? the assurances)",
    re.I,
)
_SIGNATURE_DASHES = re.compile(r"^--\s*$")
MAX_SIGNATURE_LINES = 16


@dataclass
class Segment:
    """A run of lines of one kind; forwarded segments carry their parsed header."""

    zone: str
    lines: list[Line] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)


def _text(line: Line) -> str:
    return line if isinstance(line, str) else ""


def _is_quoted(line: Line) -> bool:
    return isinstance(line, str) and line.lstrip().startswith(">")


def _header_key(line: Line) -> tuple[str, str] | None:
    match = _HEADER_LINE.match(_text(line))
    if not match:
        return None
    return match.group("key").lower(), match.group("value").strip()


def _header_block_at(lines: list[Line], index: int) -> int:
    """Length of a header block (From/Sent/To/Subject, any order) starting at index, or 0."""
    keys: set[str] = set()
    end = index
    while end < len(lines) and end - index <= 10:
        found = _header_key(lines[end])
        if found:
            keys.add(found[0])
            end += 1
        elif keys and not _text(lines[end]).strip() and end - index < 2:
            end += 1
        else:
            break
    if not keys & _FROM_KEYS:
        return 0
    found_kinds = sum(bool(keys & group) for group in (_DATE_KEYS, _SUBJECT_KEYS, _TO_KEYS))
    return end - index if found_kinds >= 2 else 0


def _wrote_line(lines: list[Line], index: int) -> int:
    """1 or 2 when an attribution line ("On … wrote:") starts at index, else 0."""
    text = _text(lines[index]).strip().lstrip("> ")
    if not text or len(text) > 300:
        return 0
    if _WROTE.search(text) and (_WROTE_START.match(text) or "@" in text or "<" in text):
        return 1
    if index + 1 < len(lines) and _WROTE_START.match(text):
        following = _text(lines[index + 1]).strip().lstrip("> ")
        if _WROTE.search(following) and len(text) + len(following) < 300:
            return 2
    return 0


def _parse_header(lines: list[Line]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        found = _header_key(line)
        if not found:
            continue
        key, value = found
        folded = fold_accents(key)
        if key in _FROM_KEYS:
            header.setdefault("from", value)
        elif folded in {fold_accents(k) for k in _TO_KEYS}:
            header.setdefault("to", value)
        elif key in _CC_KEYS:
            header.setdefault("cc", value)
        elif key in _SUBJECT_KEYS:
            header.setdefault("subject", value)
    return header


def _is_closing(text: str) -> bool:
    if _SIGNATURE_DASHES.match(text) or (len(text) <= 90 and _CLOSING.match(text)):
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
    return (start - index) + size, list(lines[start : start + size])


def _separator_forwards(separator: re.Match[str], forwarding: bool) -> bool:
    """'Forwarded message' forwards; 'Original message' does too under a forward subject."""
    what = (separator.groupdict().get("what") or "forward").lower()
    return ("original" not in what and "origine" not in what) or forwarding


class _ZoneSplitter:
    """Walks the lines once, switching between own words, forwarded mail and history."""

    def __init__(self, subject: str, own_addresses: set[str], own_domains: set[str]) -> None:
        self.forwarding = bool(_FORWARD_SUBJECT.match(subject or ""))
        self.replying = bool(_REPLY_SUBJECT.match(subject or "")) and not self.forwarding
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
        text = _text(lines[index])
        separator = _SEPARATOR.match(text) or _FORWARD_INTRO.match(text)
        if separator:
            size, header_lines = _after_separator(lines, index)
            forwarded = _separator_forwards(separator, self.forwarding)
        elif wrote := _wrote_line(lines, index):
            size, header_lines, forwarded = wrote, [], False
        elif block := _header_block_at(lines, index):
            size, header_lines = block, list(lines[index : index + block])
            forwarded = self.forwarding or (not self.replying and self.mode != "quoted")
        else:
            return None
        header = _parse_header(header_lines)
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
        sender = header.get("from", "").lower()
        return any(a in sender for a in self.own_addresses) or any(
            f"@{d}" in sender or f".{d}" in sender for d in self.own_domains
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
