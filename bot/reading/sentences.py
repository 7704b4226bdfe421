"""Sentences of a line, and whether a sentence puts the people in it forward or withdraws them.

Used by the line reader: an address is judged by the sentence it stands in ("Please
withdraw Dr X", "replace X by Y", "Y instead of X"), and a cue line without addresses
("The following are withdrawn:") sets the intent announced for the lines after it.
"""

import re
from typing import Literal

from bot.reading.name_words import is_honorific
from bot.reading.vocabulary import NOMINATION, WITHDRAWAL, folded

# What the last cue line announced for the people listed after it.
Announced = Literal["withdraw", "add"] | None

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"'“(]?[A-ZÀ-ÝÑ])")
_ABBREVIATION = re.compile(r"(?:^|\s)([A-Za-zÀ-ÿ]{1,5})\.$")
_ABBREVIATED_WORDS = {"no", "ref", "réf", "tel", "st", "art"}
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


def _is_abbreviation(word: str) -> bool:
    """Whether a word before a period is "Dr", "Mme", an initial or "No", not a sentence end."""
    return is_honorific(word + ".") or len(word) == 1 or word.lower() in _ABBREVIATED_WORDS


def _sentence_breaks(line: str) -> list[tuple[int, int]]:
    """Where sentences end, not counting the period of "Dr.", "Mme." or an initial."""
    breaks = []
    for match in _SENTENCE_END.finditer(line):
        before = _ABBREVIATION.search(line[max(0, match.start() - 8) : match.start()])
        if before and _is_abbreviation(before.group(1)):
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


def says_withdraw(words: str) -> bool:
    """Whether accent-folded text withdraws someone (not only names a replacement)."""
    return bool(WITHDRAWAL.search(words)) and not _REPLACE_TARGET_ONLY.search(words)


def announced_by(words: str) -> Announced:
    """The intent a cue line without addresses announces, if any."""
    if says_withdraw(words):
        return "withdraw"
    if NOMINATION.search(words):
        return "add"
    return None


def _replacement_side(sentence: str, position: int) -> bool | None:
    """In a replacement, whether the person at ``position`` is the one replaced."""
    by = _REPLACE_BY.search(sentence)
    if by:
        return position < by.start()
    instead = _INSTEAD.search(sentence)
    if instead:
        return position > instead.start()
    return None


def intent(sentence: str, position: int | None, context: Announced) -> bool:
    """True when the person at ``position`` of ``sentence`` is being withdrawn."""
    if position is not None:
        replaced = _replacement_side(sentence, position)
        if replaced is not None:
            return replaced
    words = folded(sentence)
    if says_withdraw(words):
        return True
    return context == "withdraw" and not NOMINATION.search(words)
