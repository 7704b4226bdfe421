"""People in lines of text and tables: labelled blocks, tables, lists and free text.

Reads one run of lines (a zone of a message or an attachment) and returns candidates:
an address with the name, title, organization and country written beside it, or a name
written without any address. Whether a candidate is finally a participant (sender,
secretariat, people copied for information …) is decided by the analysis, which knows
the whole message.
"""

import re
from dataclasses import dataclass, field

from bot.reading import Line, Table
from bot.reading.addresses import Found, deobfuscate, find_addresses
from bot.reading.names import (
    NOT_NAME_WORDS,
    PARTICLES,
    is_honorific,
    normalise_name,
    split_honorifics,
)
from bot.reading.vocabulary import (
    CONTACT,
    FIELD_LINE,
    FOR_INFORMATION,
    NOMINATION,
    WITHDRAWAL,
    folded,
    label_kind,
)
from bot.text import squeeze

_LIST_MARKER = re.compile(
    r"^\s*(?:\(?\d{1,3}[.)\]]|\(?[a-z][.)\]](?=\s)|\(?[A-Z]\)(?=\s)|\(?[ivx]{1,4}[.)](?=\s)"
    r"|[-*•·◦▪►–—o](?=\s)|#\d+)\s*"
)
_SEPARATORS = re.compile(r"\s*(?:[,;|/\t]|\s[-–—]\s|:\s)\s*")
_INSTITUTION = re.compile(
    r"\b(ministr|minist[eè]re|ministerio|universit|institut|agen[cz]|department|d[ée]partement|"
    r"departamento|authorit|autorit|autoridad|office|bureau|oficina|cent(re|er|ro)|council|"
    r"conseil|consejo|commission|comisi[oó]n|service|servicio|direction|direcci[oó]n|"
    r"secretar|network|r[ée]seau|\bred\b|association|asociaci[oó]n|foundation|fondation|"
    r"fundaci[oó]n|programme|program|programa|laborator|organi[sz]ation|organizaci[oó]n|"
    r"committee|comit[ée]|academy|acad[ée]mie|academia|college|coll[eè]ge|colegio|"
    r"observatory|museum|mus[ée]e|museo|society|soci[ée]t[ée]|sociedad|board|agency|"
    r"embassy|ambassade|embajada|division|unit[ée]?|unidad|corporation|corporaci[oó]n)",
    re.I,
)
# A segment that opens with a job title names a position, not an institution
# ("Head of Laboratory Section", "Jefe de Servicio de Bioseguridad").
_POSITION = re.compile(
    r"^(senior |junior |principal |chief |deputy |assistant |acting |associate |regional |"
    r"national |programme |program |technical |agricultural |environmental |biosafety |"
    r"scientific |research )*(head|director|directeur|directrice|directora?|chief|officer|"
    r"manager|coordinator|coordinat(eur|rice)|coordinador[a]?|adviser|advisor|"
    r"conseill(er|[èe]re)|asesor[a]?|consultant|analyst|analyste|analista|specialist|"
    r"sp[ée]cialiste|especialista|expert[ae]?|experto|researcher|chercheur|chercheuse|"
    r"investigador[a]?|scientist|lecturer|professor|professeur|profesor[a]?|engineer|"
    r"ing[ée]nieur|technician|technicien(ne)?|t[ée]cnic[oa]|jef[ea]|chef|responsable|"
    r"charg[ée]e?|sous-direct|subdirector[a]?|secretary|secr[ée]taire|president|"
    r"pr[ée]sident|presidente|assistant|asistente|attach[ée]|agent|inspector|inspecteur)\b",
    re.I,
)
# Words that show a segment is a sentence, not the name of an institution.
_PROSE = re.compile(
    r"\b(nominat|designat|d[ée]sign|nomin|please|veuillez|s[ií]rvase|would|will|est|son|are|is|"
    r"estimad|dear|cher|ch[èe]re)\w*\b",
    re.I,
)
# "replace X by Y": what follows the match is added, what precedes it withdrawn.
_REPLACE_BY = re.compile(
    r"\b(replac\w*|substitut\w*|remplac\w*|reemplaz\w*|sustitu\w*)\b[^.;]{0,80}?\b(by|with|par|por|con)\b",
    re.I,
)
# Sentences about a replacement's new nominee, which withdraw nobody by themselves.
_REPLACE_TARGET_ONLY = re.compile(r"\b(en su (lugar|reemplazo)|a sa place|in (his|her) place)\b")
# "Y instead of X", "Y will replace X": what precedes the match is added.
_INSTEAD = re.compile(
    r"\b(instead of|in place of|[àa] la place de|en (lugar|sustituci[oó]n|reemplazo) de[l]?|"
    r"will replace|replaces|remplacera|remplace|reemplazar[áa]|sustituir[áa]|reemplaza)\b",
    re.I,
)


@dataclass
class Candidate:
    """A person found in a message: address (or None) and what was written about them."""

    email: str | None
    name: str | None = None
    title: str | None = None
    organization: str | None = None
    country: str | None = None
    source: str = "body"
    listed: bool = False  # from a labelled block, a table row or a list item
    withdrawn: bool = False
    excluded: str | None = None  # why it is not a nominee (copied for information …)
    obfuscated: bool = False
    line: str = ""

    def absorb(self, other: "Candidate") -> None:
        """Fill what this candidate lacks from another sighting of the same person."""
        for attribute in ("name", "title", "organization", "country"):
            if not getattr(self, attribute) and getattr(other, attribute):
                setattr(self, attribute, getattr(other, attribute))
        self.listed = self.listed or other.listed


@dataclass
class Reading:
    """Candidates found in a run of lines and the cues seen in it."""

    candidates: list[Candidate] = field(default_factory=list)
    names_without_address: list[Candidate] = field(default_factory=list)
    obfuscated: bool = False


def strip_list_marker(text: str) -> str:
    return _LIST_MARKER.sub("", text, count=1).strip()


def _clean_value(value: str) -> str | None:
    value = squeeze(value).strip(" ,;:-–—|*")
    return value or None


def _name_tokens_run(tokens: list[str], start: int, step: int) -> list[str]:
    run: list[str] = []
    index = start
    while 0 <= index < len(tokens):
        token = tokens[index].strip(",;:()[]\"'“”")
        bare = token.strip(".").lower()
        if not token or bare in NOT_NAME_WORDS:
            break
        if token[:1].isupper() or is_honorific(token) or (bare in PARTICLES and run):
            run.append(token)
            index += step
            continue
        break
    return run if step > 0 else list(reversed(run))


def name_in(text: str) -> tuple[str | None, str | None]:
    """The personal name most plausibly written in a short piece of text."""
    text = strip_list_marker(squeeze(text)).strip(" ,;:-–—|*(<[")
    if not text:
        return None, None
    name, title = normalise_name(text)
    if name and len(name.split()) >= 2:
        return name, title
    tokens = text.split()
    # An honorific opens the name: "… nominate Dr. Jane Mwangi of …".
    for index, token in enumerate(tokens):
        if is_honorific(token) and index + 1 < len(tokens):
            run = _name_tokens_run(tokens, index, 1)
            name, title = normalise_name(" ".join(run))
            if name and len(name.split()) >= 2:
                return name, title
    for step, start in ((-1, len(tokens) - 1), (1, 0)):
        run = _name_tokens_run(tokens, start, step)
        while run and run[-1].lower() in PARTICLES:
            run.pop()
        name, title = normalise_name(" ".join(run))
        if name and len(name.split()) >= 2:
            return name, title
    return None, None


def _inverted_name(segments: list[str]) -> tuple[str, str | None] | None:
    """'MITCHELL, Keisha' or 'Mitchell, Keisha' written before an address: family first."""
    if len(segments) != 2:
        return None
    family, given = strip_list_marker(segments[0]), segments[1].strip()
    family_words, given_words = family.split(), given.split()
    if not (1 <= len(family_words) <= 5 and 1 <= len(given_words) <= 4):
        return None
    family_in_capitals = all(_is_capitals(w) or w.lower() in PARTICLES for w in family_words)
    given_in_capitals = all(_is_capitals(w) for w in given_words)
    if given_in_capitals or not (family_in_capitals or len(family_words) <= 2):
        return None
    title, family = split_honorifics(family)
    name, honorific = normalise_name(f"{given} {family.upper()}")
    if name and len(name.split()) >= 2 and not _INSTITUTION.search(f"{family} {given}"):
        return name, title or honorific
    return None


def _is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _institution(segment: str) -> str | None:
    segment = squeeze(segment).strip(" ,;:-–—|()")
    if not segment or len(segment) > 120 or "@" in segment:
        return None
    segment = re.sub(r"^(of|from|at|du|de la|de l'|del|de)\s+", "", segment, flags=re.I)
    if (
        segment[:1].isupper()
        and _INSTITUTION.search(segment)
        and not _PROSE.search(segment)
        and not _POSITION.match(segment)
    ):
        return segment
    return None


def _segments(text: str) -> list[str]:
    return [s for s in _SEPARATORS.split(text) if s and s.strip()]


def _candidate_on_line(
    line: str, found: Found, previous: Found | None, following: Found | None, source: str
) -> Candidate:
    before = line[previous.end if previous else 0 : found.start]
    after = line[found.end : following.start if following else len(line)]
    candidate = Candidate(found.address, source=source, line=line)
    if re.search(r"mailto:\s*$", before, re.I):
        before = re.sub(r"mailto:\s*$", "", before, flags=re.I)
    stripped_before = before.rstrip()
    if stripped_before.endswith(("<", "(", "[")):
        stripped_before = stripped_before[:-1]
    stripped_before = stripped_before.rstrip(" -–—:|,;")
    segments = _segments(stripped_before)
    name = title = None
    name_index = None
    inverted = _inverted_name(segments)
    if inverted:
        name, title = inverted
        name_index = 1
    # Whole segments first ("Jane Mwangi, Ministry of …, jane@…"), then names inside text.
    for index, segment in enumerate(segments if not name else []):
        whole, whole_title = normalise_name(strip_list_marker(segment))
        if whole and len(whole.split()) >= 2:
            name, title, name_index = whole, whole_title, index
            break
    if not name:
        for index in range(len(segments) - 1, -1, -1):
            name, title = name_in(segments[index])
            if name:
                name_index = index
                break
    if not name:
        inside = re.match(r"^\s*[)\]>]?\s*[(\[]\s*([^()\[\]]{2,80})[)\]]", after)
        if inside:
            name, title = name_in(inside.group(1))
    if not name:
        tail = re.sub(r"^\s*[)\]>]?\s*[-–—:,]?\s*", "", after)
        for segment in _segments(tail)[:1]:
            name, title = normalise_name(segment)
            if name and len(name.split()) < 2:
                name = None
    candidate.name, candidate.title = name, title
    # The organization stands between the name and the address, or right after the address.
    nearby = segments[name_index + 1 :] if name_index is not None else segments[-1:]
    following = re.match(r"^\s*[)\]>]?\s*[,;|–—-]\s*([^,;|()]{3,120})", after)
    if following:
        nearby = [*nearby, following.group(1)]
    for segment in nearby:
        organization = _institution(segment)
        if organization:
            candidate.organization = organization
            break
    return candidate


def _table_columns(table: Table) -> tuple[int, dict[int, str]] | None:
    """The header row and the kind of each column, when the table has recognisable headers."""
    for index, row in enumerate(table.rows[:3]):
        kinds = {col: label_kind(cell) for col, cell in enumerate(row) if cell}
        kinds = {col: kind for col, kind in kinds.items() if kind}
        values = set(kinds.values())
        if len(kinds) >= 2 and values & {"email", "name", "first", "last"}:
            if "first" in values and "last" not in values and "name" in values:
                # "Prénom | Nom": the plain "Nom"/"Name" column is the family name.
                kinds = {c: ("last" if k == "name" else k) for c, k in kinds.items()}
            if "last" in values and "first" not in values:
                kinds = {c: ("first" if k == "name" else k) for c, k in kinds.items()}
            return index, kinds
    return None


def _join_name(first: str | None, last: str | None) -> str | None:
    parts = [p for p in (first, last) if p]
    return " ".join(parts) if parts else None


def _from_fields(fields: dict[str, str], source: str, line: str) -> list[Candidate]:
    """Candidates from one labelled block or table row."""
    if "first" in fields and "name" in fields and "last" not in fields:
        fields = {**fields, "last": fields["name"]}  # "Nom :" beside "Prénom :" is the family name
        del fields["name"]
    email_text = fields.get("email", "")
    raw_name = fields.get("name") or _join_name(fields.get("first"), fields.get("last"))
    addresses = []
    for text in (email_text, raw_name or ""):
        fixed, _ = deobfuscate(text)
        addresses.extend(f.address for f in find_addresses(fixed))
    if raw_name and "@" in raw_name:
        raw_name = re.sub(r"[<(\[]?\s*\S+@\S+\s*[>)\]]?", "", raw_name)
    name, honorific = normalise_name(raw_name) if raw_name else (None, None)
    if raw_name and not name:
        name, honorific = name_in(raw_name)
    title_field = _clean_value(fields.get("title", ""))
    title = honorific or title_field
    if title and name and title == name:
        title = None
    base = dict(
        name=name,
        title=title,
        organization=_clean_value(fields.get("organization", "")),
        country=_clean_value(fields.get("country", "")),
        source=source,
        listed=True,
        line=line,
    )
    if not addresses:
        return [Candidate(None, **base)] if name else []
    return [Candidate(address, **base) for address in dict.fromkeys(addresses)]


def read_table(table: Table, source: str) -> Reading:
    reading = Reading()
    header = _table_columns(table)
    if header is None:
        for row in table.rows:
            if any("@" in cell or " at " in cell.lower() for cell in row):
                line = " , ".join(cell for cell in row if cell)
                sub = read_lines([line], source)
                reading.candidates.extend(sub.candidates)
                reading.obfuscated |= sub.obfuscated
        return reading
    index, kinds = header
    for row in table.rows[index + 1 :]:
        fields: dict[str, str] = {}
        for col, cell in enumerate(row):
            kind = kinds.get(col)
            if kind and kind != "ignore" and cell:
                fields[kind] = f"{fields[kind]} {cell}" if kind in fields else cell
        if "email" not in fields:
            for cell in row:
                if "@" in cell:
                    fields["email"] = cell
                    break
        line = " | ".join(row)
        found = _from_fields(fields, source, line)
        for candidate in found:
            (reading.candidates if candidate.email else reading.names_without_address).append(
                candidate
            )
    return reading


def _split_fields(line: str) -> list[tuple[str, str]]:
    """'Name: Jane Mwangi  Email: jane@…' -> [('name', 'Jane Mwangi'), ('email', 'jane@…')]."""
    pairs: list[tuple[str, str]] = []
    rest = line
    while True:
        match = FIELD_LINE.match(rest)
        if not match:
            break
        kind = label_kind(match.group(1)) or "ignore"
        value = match.group(2)
        # A second label on the same line starts a new field.
        inner = re.search(
            r"(?:\s{2,}|\t|[,;|]\s*|\s[-–—]\s)(?=[A-Za-zÀ-ÿ][\w \-/éèíóúñç]{1,30}\s*[:：])", value
        )
        if inner and FIELD_LINE.match(value[inner.end() :]):
            pairs.append((kind, value[: inner.start()]))
            rest = value[inner.end() :]
            continue
        pairs.append((kind, value))
        break
    return pairs


_TEXT_CELL_SPLIT = re.compile(r"\t+|\s+\|\s+|\s{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"'“(]?[A-ZÀ-ÝÑ])")
_ABBREVIATION = re.compile(r"(?:^|\s)([A-Za-zÀ-ÿ]{1,5})\.$")
_HONORIFIC_NAME = re.compile(
    r"(?<![\w.])((?:Mr|Mrs|Ms|Dr|Dra|Prof|Mme|Mlle|M|Sr|Sra|Srta|Ing|Lic|Licda|Eng|Pr)\.?\s+"
    r"(?:[A-ZÀ-ÝÑ][\w'’-]+\.?\s+|(?:de|del|la|van|von|da|dos|du|y)\s+){0,4}[A-ZÀ-ÝÑ][\w'’-]+)"
)
_TRAILING_NAME = re.compile(r"^\W*\b(?:for|pour|para)\s+(.{3,80})", re.I)
_GREETING = re.compile(
    r"^\s*(dear|cher|ch[èe]re|estimad[oa]s?|querid[oa]|madame|monsieur|hello|"
    r"hi|bonjour|buenos|buenas|hola)\b",
    re.I,
)


def _text_tables(lines: list[Line]) -> list[Line]:
    """Runs of tab- or pipe-separated text lines become tables (pasted spreadsheets)."""
    result: list[Line] = []
    run: list[list[str]] = []

    def close() -> None:
        if len(run) >= 2:
            result.append(Table([row for row in run]))
        else:
            result.extend(" , ".join(cells) for cells in run)
        run.clear()

    for line in lines:
        if isinstance(line, str) and ("\t" in line.strip() or " | " in line):
            cells = [c.strip() for c in _TEXT_CELL_SPLIT.split(line.strip())]
            if len(cells) >= 2:
                run.append(cells)
                continue
        close()
        result.append(line)
    close()
    return result


def _sentence_breaks(line: str) -> list[tuple[int, int]]:
    """Where sentences end, not counting the period of "Dr.", "Mme." or an initial."""
    breaks = []
    for match in _SENTENCE_END.finditer(line):
        before = _ABBREVIATION.search(line[max(0, match.start() - 8) : match.start()])
        if before and (
            is_honorific(before.group(1) + ".")
            or len(before.group(1)) == 1
            or before.group(1).lower() in {"no", "ref", "réf", "tel", "st", "art"}
        ):
            continue
        breaks.append(match.span())
    return breaks


def sentences(line: str) -> list[str]:
    parts, start = [], 0
    for end, restart in _sentence_breaks(line):
        parts.append(line[start:end])
        start = restart
    parts.append(line[start:])
    return parts


def sentence_at(line: str, position: int) -> str:
    """The sentence of ``line`` that holds ``position``."""
    start = 0
    for end, restart in _sentence_breaks(line):
        if end >= position:
            return line[start:end]
        start = restart
    return line[start:]


def intent(sentence: str, position: int | None, context: str | None) -> bool:
    """True when the person at ``position`` of ``sentence`` is being withdrawn."""
    if position is not None:
        by = _REPLACE_BY.search(sentence)
        if by:
            return position < by.start()
        instead = _INSTEAD.search(sentence)
        if instead:
            return position > instead.start()
    words = folded(sentence)
    if WITHDRAWAL.search(words) and not _REPLACE_TARGET_ONLY.search(words):
        return True
    return context == "withdraw" and not NOMINATION.search(words)


def _names_in_sentence(sentence: str, source: str) -> list[Candidate]:
    """Honorific-led names in a nominating sentence that gives no address for them."""
    found = []
    for match in _HONORIFIC_NAME.finditer(sentence):
        if re.match(r"\s*[(<\[]?\s*[^\s@]+@", sentence[match.end() : match.end() + 120]):
            continue  # the address follows: the line reader has this person already
        name, title = normalise_name(match.group(1))
        if name:
            found.append(Candidate(None, name=name, title=title, source=source, line=sentence))
    return found


def read_lines(lines: list[Line], source: str) -> Reading:
    """Candidates in a run of lines (one zone of a body or one attachment)."""
    reading = Reading()
    record: dict[str, str] = {}
    record_lines: list[str] = []
    context = None  # "withdraw" | "add": the intent announced by the last cue line
    previous_text = ""
    previous_used = False

    def flush() -> None:
        nonlocal record, record_lines
        if record:
            text = " ".join(record_lines)
            for candidate in _from_fields(record, source, " / ".join(record_lines)):
                candidate.withdrawn = intent(text, None, context)
                if candidate.email:
                    reading.candidates.append(candidate)
                else:
                    reading.names_without_address.append(candidate)
        record, record_lines = {}, []

    for raw_line in _text_tables(lines):
        if isinstance(raw_line, Table):
            flush()
            sub = read_table(raw_line, source)
            for candidate in sub.candidates + sub.names_without_address:
                candidate.withdrawn = candidate.withdrawn or context == "withdraw"
            reading.candidates.extend(sub.candidates)
            reading.names_without_address.extend(sub.names_without_address)
            reading.obfuscated |= sub.obfuscated
            previous_text, previous_used = "", True
            continue
        line, flagged = deobfuscate(raw_line)
        reading.obfuscated |= flagged
        text = line.strip()
        if not text:
            if record and ("email" in record or ("name" in record and len(record) > 1)):
                flush()
            previous_text, previous_used = "", True
            continue
        fields = _split_fields(text)
        useful = [(k, v) for k, v in fields if k != "ignore"]
        if useful:
            for kind, value in useful:
                if kind in record and kind in ("email", "name", "first", "last"):
                    flush()
                record[kind] = value
            record_lines.append(text)
            previous_text, previous_used = text, True
            continue
        if fields:  # a known but ignored field (phone, gender …)
            record_lines.append(text)
            previous_text, previous_used = text, True
            continue
        flush()
        found = find_addresses(line)
        words = folded(text)
        is_item = bool(_LIST_MARKER.match(text))
        if not found:
            if WITHDRAWAL.search(words) and not _REPLACE_TARGET_ONLY.search(words):
                context = "withdraw"
            elif NOMINATION.search(words):
                context = "add"
            if is_item:
                name, title = name_in(text)
                if name and not _INSTITUTION.search(strip_list_marker(text).split(",")[0]):
                    item = Candidate(
                        None, name=name, title=title, source=source, listed=True, line=text
                    )
                    for segment in _segments(strip_list_marker(text))[1:]:
                        organization = _institution(segment)
                        if organization:
                            item.organization = organization
                            break
                    item.withdrawn = intent(text, None, context)
                    reading.names_without_address.append(item)
            elif not _GREETING.match(text):
                for sentence in sentences(text):
                    if NOMINATION.search(folded(sentence)) or WITHDRAWAL.search(folded(sentence)):
                        for item in _names_in_sentence(sentence, source):
                            item.withdrawn = intent(sentence, None, context)
                            reading.names_without_address.append(item)
            previous_text, previous_used = text, False
            continue
        for position, item in enumerate(found):
            candidate = _candidate_on_line(
                line,
                item,
                found[position - 1] if position else None,
                found[position + 1] if position + 1 < len(found) else None,
                source,
            )
            candidate.obfuscated = flagged
            candidate.listed = is_item
            if not candidate.name and previous_text and not previous_used and len(found) == 1:
                # "Dr. Jane Mwangi" on one line, her address on the next.
                name, title = name_in(previous_text)
                if name:
                    candidate.name, candidate.title = name, title
                    reading.names_without_address = [
                        n for n in reading.names_without_address if n.line != previous_text
                    ]
            sentence = sentence_at(line, item.start)
            offset = line.find(sentence) if sentence else 0
            candidate.withdrawn = intent(sentence, item.start - max(offset, 0), context)
            sentence_words = folded(sentence)
            if FOR_INFORMATION.search(sentence_words):
                candidate.excluded = "copied for information"
            elif CONTACT.search(sentence_words) and not NOMINATION.search(sentence_words):
                candidate.excluded = "contact address"
            reading.candidates.append(candidate)
        trailing = _TRAILING_NAME.match(line[found[-1].end :])
        if trailing:
            # "please use NEW instead of OLD for Dr Grace Kaupa": the name is for both.
            name, title = name_in(_segments(trailing.group(1))[0])
            if name:
                for candidate in reading.candidates[-len(found) :]:
                    if not candidate.name:
                        candidate.name, candidate.title = name, candidate.title or title
        if not _GREETING.match(text):
            for sentence in sentences(text):
                if NOMINATION.search(folded(sentence)):
                    for extra in _names_in_sentence(sentence, source):
                        extra.withdrawn = intent(sentence, None, context)
                        reading.names_without_address.append(extra)
        previous_text, previous_used = text, True
    flush()
    return reading
