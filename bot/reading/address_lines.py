"""One address on a line of text: whose it is, as written beside it.

"Dr. Jane Mwangi, Ministry of Environment, jane@…", "jane@… (Jane Mwangi)",
"MITCHELL, Keisha <k.mitchell@…>": the name is looked for before the address (whole
segments first, then names inside text), then in brackets or right after it; the
organization stands between the name and the address, or right after the address.
"""

import re

from bot.reading.addresses import Found
from bot.reading.candidates import Candidate
from bot.reading.name_words import is_honorific, split_honorifics
from bot.reading.names import is_full_name, normalise_name
from bot.reading.names_in_text import inverted_name, name_in, segments, strip_list_marker
from bot.reading.organizations import first_institution, names_institution
from bot.reading.script import without_capitals
from bot.reading.vocabulary import EMAIL_LABEL_AT_END, label_kind
from bot.text import fold_accents

_MAILTO_AT_END = re.compile(r"mailto:\s*$", re.I)
_BRACKETED_AFTER = re.compile(r"^\s*[)\]>]?\s*[(\[]\s*([^()\[\]]{2,80})[)\]]")
_PUNCTUATION_AFTER = re.compile(r"^\s*[)\]>]?\s*[-–—:,]?\s*")
_SEGMENT_AFTER = re.compile(r"^\s*[)\]>]?\s*[,;|–—-]\s*((?:[^,;|()]|\([^()]{1,40}\)){3,120})")

# (name, title, index of the segment that held the name)
_NameFound = tuple[str | None, str | None, int | None]


def _text_before(before: str) -> str:
    """What precedes the address, without 'mailto:', an opening bracket or separators."""
    # A label glued to the name ("王伟（WANG Wei） 邮箱：") becomes a segment of its own.
    before = EMAIL_LABEL_AT_END.sub(r", \1", _MAILTO_AT_END.sub("", before))
    stripped = before.rstrip()
    if stripped.endswith(("<", "(", "[", "（")):
        stripped = stripped[:-1]
    return stripped.rstrip(" -–—:|,;：،，")


def _name_before(written: list[str]) -> _NameFound:
    """A family-first pair, then a whole segment, then a name inside the nearest segment;
    a segment that is only a field label ("電郵", "E-mail") is never a name."""
    inverted = inverted_name(written) if not any(map(label_kind, written)) else None
    parts = [part for part in written if not label_kind(part)]
    if inverted:
        return inverted[0], inverted[1], 0
    for index, part in enumerate(parts):
        whole, title = normalise_name(strip_list_marker(part))
        institution = not title and names_institution(part)  # "المديرية العامة للبيئة"
        if is_full_name(whole) and not _honorific_inside(whole, title) and not institution:
            return whole, title, index
    for index in range(len(parts) - 1, -1, -1):
        name, title = name_in(parts[index])
        if name:
            return name, title, index
    return None, None, None


def _honorific_inside(whole: str | None, title: str | None) -> bool:
    """ "وسيحل محلها المهندس يوسف الرشيدي": in a script without capitals, an honorific inside
    a segment shows where the name starts (the words before it are a sentence)."""
    words = (whole or "").split()
    return not title and without_capitals(whole or "") and any(map(is_honorific, words[1:]))


def _name_after(after: str) -> tuple[str | None, str | None]:
    """'jane@… (Jane Mwangi)' or 'jane@… - Jane Mwangi'; the title may come without a name."""
    inside = _BRACKETED_AFTER.match(after)
    if inside:
        name, title = name_in(inside.group(1))
        if name:
            return name, title
    for part in segments(_PUNCTUATION_AFTER.sub("", after))[:1]:
        name, title = normalise_name(part)
        if name and not is_full_name(name):
            name = None
        return name, title
    return None, None


def _organization_near(parts: list[str], name_index: int | None, after: str) -> str | None:
    nearby = parts[name_index + 1 :] if name_index is not None else parts[-1:]
    following = _SEGMENT_AFTER.match(after)
    if following:
        # "<mailto:…>, Deputy Director (Risk Assessment), National Biosafety Agency": the
        # institution may come after a job title.
        rest = segments(after[following.end(1) :])[:1]
        nearby = [*nearby, following.group(1), *rest]
    return first_institution(nearby)


def _opens_the_text(name: str | None, parts: list[str], name_index: int | None) -> bool:
    """Whether the name opens the text before the address ("Dr. Jane Mwangi, Ministry,
    jane@…", "- MITCHELL, Keisha <…>"), or nothing but the address is there: a line about
    the person, as in a list, not a sentence that mentions them ("Written by Jane …")."""
    if not name:
        return False
    if name_index is None:
        return not parts
    if name_index:
        return False
    _, rest = split_honorifics(strip_list_marker(parts[0]))
    first = fold_accents(rest.split()[0]) if rest.split() else ""
    return first.strip(".,") in {fold_accents(w) for w in name.split()} or first == fold_accents(
        name
    )


def candidate_on_line(
    line: str, found: Found, previous: Found | None, following: Found | None, source: str
) -> Candidate:
    """The candidate for ``found``, reading only the text between its neighbouring addresses."""
    before = line[previous.end if previous else 0 : found.start]
    after = line[found.end : following.start if following else len(line)]
    written = segments(_text_before(before))
    parts = [part for part in written if not label_kind(part)]
    name, title, name_index = _name_before(written)
    if not name:
        name, title = _name_after(after)
    shape = "line" if _opens_the_text(name, parts, name_index) else "text"
    candidate = Candidate(
        found.address, name=name, title=title, source=source, line=line, shape=shape
    )
    candidate.organization = _organization_near(parts, name_index, after)
    return candidate
