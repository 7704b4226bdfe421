"""Sentences of a line, and whether a sentence puts the people in it forward or withdraws them.

Used by the line reader: an address is judged by the sentence it stands in ("Please
withdraw Dr X", "replace X by Y", "Y instead of X"), and a cue line without addresses
("The following are withdrawn:") sets the intent announced for the lines after it.
"""

import re
from bisect import bisect_left
from typing import Literal

from bot.reading.lexicon import lexicon
from bot.reading.name_words import is_honorific
from bot.reading.vocabulary import (
    NOMINATION,
    PARTICIPATION,
    RIGHT_ADDRESS,
    WITHDRAWAL,
    WRONG_ADDRESS,
    folded,
)
from bot.text import fold_with_offsets

# What the last cue line announced for the people listed after it.
Announced = Literal["withdraw", "add"] | None

_LEXICON = lexicon()
# A sentence ends at ". " before a capital (or a letter of a script without capitals),
# and at a full stop of the scripts that write none of them between sentences ("。").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+(?=[¿¡\"'“(«]?(?P<letter>[^\W\d_]))"  # ". " before a letter
    r"|(?<=[。！？])\s*(?=\S)"  # a CJK full stop
)
_ABBREVIATION = re.compile(r"(?:^|[\s(\[（\"“«¿¡])([^\W\d_]{1,5})\.$")
_ABBREVIATED_WORDS = _LEXICON.words("sentences", "abbreviations")
# "replace X by Y": what follows the match is added, what precedes it withdrawn.
_REPLACE_BY = re.compile(
    "(?:"
    + _LEXICON.alternation("sentences", "replace_verbs", end=True)
    + ")[^.;]{0,80}?(?:"
    + _LEXICON.alternation("sentences", "replace_by", end=True)
    + ")"
)
# Sentences about a replacement's new nominee, which withdraw nobody by themselves.
_REPLACE_TARGET_ONLY = _LEXICON.pattern("sentences", "in_place", end=True)
# "Y instead of X", "Y will replace X": what precedes the match is added.
_INSTEAD = _LEXICON.pattern("sentences", "instead", end=True)


# "instead of" written right before an address: that address is replaced by another.
_INSTEAD_BEFORE = re.compile(
    "(?:" + _LEXICON.alternation("sentences", "instead", end=True) + r")\W*$"
)


def _is_abbreviation(word: str) -> bool:
    """Whether a word before a period is "Dr", "Mme", an initial or "No", not a sentence end."""
    return is_honorific(word + ".") or len(word) == 1 or word.lower() in _ABBREVIATED_WORDS


def _sentence_breaks(line: str) -> list[tuple[int, int]]:
    """Where sentences end, not counting the period of "Dr.", "Mme." or an initial."""
    breaks = []
    for match in _SENTENCE_END.finditer(line):
        letter = match.group("letter")
        if letter and letter.islower():
            continue  # ". a lower-case word" goes on with the sentence
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


_CLAUSE_END = re.compile(r"[,;.:，；。：、،؛!?！？]\s|[，；。、،؛！？]")
_OPEN, _CLOSE = "(（[", ")）]"


def clause_at(line: str, start: int, end: int) -> str:
    """The clause of ``line`` around the span: the brackets that hold it, else the text
    between the punctuation before and after it ("正确地址为：X（原填写的 Y 无效）")."""
    depth, left = 0, None
    for index in range(start - 1, -1, -1):
        if line[index] in _CLOSE:
            depth += 1
        elif line[index] in _OPEN:
            if depth == 0:
                left = index
                break
            depth -= 1
    if left is not None:
        right = min((line.find(c, end) for c in _CLOSE if line.find(c, end) >= 0), default=-1)
        if right >= 0:
            return line[left + 1 : right]
    before = [m.end() for m in _CLAUSE_END.finditer(line, 0, start)]
    after = _CLAUSE_END.search(line, end)
    first = max([0, *before, *(line.rfind(c, 0, start) + 1 for c in _CLOSE + _OPEN)])
    last = min(
        [after.start() if after else len(line)]
        + [line.find(c, end) for c in _OPEN + _CLOSE if line.find(c, end) >= 0]
    )
    return line[first:last]


def given_as_wrong(line: str, start: int, end: int) -> bool:
    """Whether the clause around an address says it is wrong (and not that it is right),
    or the address is the one replaced in "use NEW instead of OLD"."""
    words = folded(clause_at(line, start, end))
    if WRONG_ADDRESS.search(words) and not RIGHT_ADDRESS.search(words):
        return True
    before, _ = fold_with_offsets(line[max(0, start - 40) : start])
    return bool(_INSTEAD_BEFORE.search(before))


def says_withdraw(words: str) -> bool:
    """Whether accent-folded text withdraws someone (not only names a replacement)."""
    return bool(WITHDRAWAL.search(words)) and not _REPLACE_TARGET_ONLY.search(words)


def announced_by(words: str) -> Announced:
    """The intent a cue line without addresses announces, if any: "… withdraw him and
    replace him by:" announces the replacement."""
    replace_by = _REPLACE_BY.search(words)
    if replace_by and not words[replace_by.end() :].strip(" :.,;-–—"):
        return "add"
    if says_withdraw(words):
        return "withdraw"
    if NOMINATION.search(words):
        return "add"
    return None


def _replacement_side(sentence: str, position: int) -> bool | None:
    """In a replacement, whether the person at ``position`` is the one replaced."""
    words, offsets = fold_with_offsets(sentence)
    at = bisect_left(offsets, position)
    by = _REPLACE_BY.search(words)
    if by:
        return at < by.start()
    in_place = _REPLACE_TARGET_ONLY.search(words)
    withdrawal = WITHDRAWAL.search(words)
    if in_place and withdrawal:
        # "withdraw X and nominate Y in his place", "X cannot attend; Y will take her
        # place": before the replacement's own words is the one withdrawn.
        later = _nomination_after(words, withdrawal.end())
        return at < min(in_place.start(), later if later is not None else len(words))
    instead = _INSTEAD.search(words)
    if instead:
        # "Y instead of X"; "instead of X, please register Y".
        later = _nomination_after(words, instead.end())
        if later is not None:
            return instead.start() <= at < later
        return at > instead.start()
    return None


# How far after a cue a nomination cue still belongs to it ("withdraw the nomination of",
# "سحب ترشيح"); one further on nominates the replacement.
_CUE_JOINED = 8


def _nomination_after(words: str, position: int) -> int | None:
    """Where a nomination cue that is not part of the cue ending at ``position`` starts."""
    starts = [
        match.start()
        for cue in (NOMINATION, PARTICIPATION)
        for match in cue.finditer(words, position)
        if match.start() > position + _CUE_JOINED
    ]
    return min(starts, default=None)


def _nominated_before_a_withdrawal(sentence: str, position: int) -> bool:
    """Whether, in a sentence that also withdraws someone, the person at ``position`` is
    the one nominated: "register her with X and remove Y from the list" — a nomination
    cue before X, and a withdrawal cue after X that has an address of its own after it
    (in "X, registered earlier, cannot attend; please cancel", X is withdrawn)."""
    words, offsets = fold_with_offsets(sentence)
    at = bisect_left(offsets, position)
    later = [m.end() for m in WITHDRAWAL.finditer(words, at)]
    if not later or "@" not in words[later[0] :] or WITHDRAWAL.search(words[:at]):
        return False
    nominations = [m.start() for m in NOMINATION.finditer(words, 0, at)]
    return bool(nominations)


def intent(sentence: str, position: int | None, context: Announced) -> bool:
    """True when the person at ``position`` of ``sentence`` is being withdrawn."""
    if position is not None:
        replaced = _replacement_side(sentence, position)
        if replaced is not None:
            return replaced
        if _nominated_before_a_withdrawal(sentence, position):
            return False
    words = folded(sentence)
    if says_withdraw(words):
        return True
    return context == "withdraw" and not NOMINATION.search(words)
