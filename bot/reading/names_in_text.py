"""Where a personal name stands in a piece of free text: a list item, a segment, a sentence.

The line readers cut a line into segments (at commas, semicolons, bars, dashes) and ask
here for the name most plausibly written in one; a name is a run of capitalised tokens
(with honorifics and particles), possibly family-name-first ("MITCHELL, Keisha").
Cleaning the name found is ``names``'s job.
"""

import re

from bot.reading.candidates import Candidate
from bot.reading.name_words import (
    NOT_NAME_WORDS,
    PARTICLES,
    bare_word,
    is_honorific,
    split_honorifics,
)
from bot.reading.names import normalise_name
from bot.reading.organizations import INSTITUTION
from bot.text import squeeze

LIST_MARKER = re.compile(
    r"^\s*(?:\(?\d{1,3}[.)\]]|\(?[a-z][.)\]](?=\s)|\(?[A-Z]\)(?=\s)|\(?[ivx]{1,4}[.)](?=\s)"
    r"|[-*•·◦▪►–—o](?=\s)|#\d+)\s*"
)
_SEPARATORS = re.compile(r"\s*(?:[,;|/\t]|\s[-–—]\s|:\s)\s*")
_HONORIFIC_NAME = re.compile(
    r"(?<![\w.])((?:Mr|Mrs|Ms|Dr|Dra|Prof|Mme|Mlle|M|Sr|Sra|Srta|Ing|Lic|Licda|Eng|Pr)\.?\s+"
    r"(?:[A-ZÀ-ÝÑ][\w'’-]+\.?\s+|(?:de|del|la|van|von|da|dos|du|y)\s+){0,4}[A-ZÀ-ÝÑ][\w'’-]+)"
)
_ADDRESS_FOLLOWS = re.compile(r"\s*[(<\[]?\s*[^\s@]+@")
_TOKEN_PUNCTUATION = ",;:()[]\"'“”"


def strip_list_marker(text: str) -> str:
    return LIST_MARKER.sub("", text, count=1).strip()


def segments(text: str) -> list[str]:
    """The pieces of a line between separators (commas, semicolons, bars, dashes)."""
    return [s for s in _SEPARATORS.split(text) if s and s.strip()]


def _is_full_name(name: str | None) -> bool:
    return name is not None and len(name.split()) >= 2


def _name_tokens_run(tokens: list[str], start: int, step: int) -> list[str]:
    """The capitalised tokens from ``start`` walking by ``step``, in reading order."""
    run: list[str] = []
    index = start
    while 0 <= index < len(tokens):
        token = tokens[index].strip(_TOKEN_PUNCTUATION)
        bare = bare_word(token)
        if not token or bare in NOT_NAME_WORDS:
            break
        if not (token[:1].isupper() or is_honorific(token) or (bare in PARTICLES and run)):
            break
        run.append(token)
        index += step
    return run if step > 0 else list(reversed(run))


def _name_after_honorific(tokens: list[str]) -> tuple[str | None, str | None]:
    """An honorific opens the name: "… nominate Dr. Jane Mwangi of …"."""
    for index, token in enumerate(tokens):
        if is_honorific(token) and index + 1 < len(tokens):
            name, title = normalise_name(" ".join(_name_tokens_run(tokens, index, 1)))
            if _is_full_name(name):
                return name, title
    return None, None


def _name_at_an_end(tokens: list[str]) -> tuple[str | None, str | None]:
    """The capitalised run that ends the text, else the one that opens it."""
    for step, start in ((-1, len(tokens) - 1), (1, 0)):
        run = _name_tokens_run(tokens, start, step)
        while run and run[-1].lower() in PARTICLES:
            run.pop()
        name, title = normalise_name(" ".join(run))
        if _is_full_name(name):
            return name, title
    return None, None


def name_in(text: str) -> tuple[str | None, str | None]:
    """The personal name most plausibly written in a short piece of text."""
    text = strip_list_marker(squeeze(text)).strip(" ,;:-–—|*(<[")
    if not text:
        return None, None
    name, title = normalise_name(text)
    if _is_full_name(name):
        return name, title
    tokens = text.split()
    name, title = _name_after_honorific(tokens)
    if name:
        return name, title
    return _name_at_an_end(tokens)


def is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _family_first_shape(family_words: list[str], given_words: list[str]) -> bool:
    """Whether two segments read as family name (often in capitals) then given names."""
    if not (1 <= len(family_words) <= 5 and 1 <= len(given_words) <= 4):
        return False
    family_in_capitals = all(is_capitals(w) or w.lower() in PARTICLES for w in family_words)
    given_in_capitals = all(is_capitals(w) for w in given_words)
    return not given_in_capitals and (family_in_capitals or len(family_words) <= 2)


def inverted_name(parts: list[str]) -> tuple[str, str | None] | None:
    """'MITCHELL, Keisha' or 'Mitchell, Keisha' written before an address: family first."""
    if len(parts) != 2:
        return None
    family, given = strip_list_marker(parts[0]), parts[1].strip()
    if not _family_first_shape(family.split(), given.split()):
        return None
    title, family = split_honorifics(family)
    name, honorific = normalise_name(f"{given} {family.upper()}")
    if _is_full_name(name) and not INSTITUTION.search(f"{family} {given}"):
        return name, title or honorific
    return None


def names_in_sentence(sentence: str, source: str) -> list[Candidate]:
    """Honorific-led names in a nominating sentence that gives no address for them."""
    found = []
    for match in _HONORIFIC_NAME.finditer(sentence):
        if _ADDRESS_FOLLOWS.match(sentence[match.end() : match.end() + 120]):
            continue  # the address follows: the line reader has this person already
        name, title = normalise_name(match.group(1))
        if name:
            found.append(Candidate(None, name=name, title=title, source=source, line=sentence))
    return found
