"""Institutions written beside a person: "Ministry of Environment", "INIA", "Université …".

A segment of a line names an institution when it is capitalised, holds an institution
word of the language files (English, French and Spanish have them), and is neither a
sentence nor a job title ("Head of Laboratory Section" is a position, not a laboratory).
"""

import re

from bot.reading.lexicon import lexicon
from bot.reading.script import is_capitalised
from bot.text import fold_accents, fold_with_offsets, squeeze

_LEXICON = lexicon()
# Matched on accent-folded text.
INSTITUTION = _LEXICON.pattern("organizations", "institution")
# A segment that opens with a job title names a position, not an institution
# ("Head of Laboratory Section", "Jefe de Servicio de Bioseguridad").
_POSITION = re.compile(
    "^(?:"
    + _LEXICON.alternation("organizations", "position_qualifiers")
    + " )*(?:"
    + _LEXICON.alternation("organizations", "positions", end=True)
    + ")"
)
# Words that show a segment is a sentence, not the name of an institution.
_PROSE = re.compile("(?:" + _LEXICON.alternation("organizations", "prose", end=True) + ")")
# Words that open the rest of an institution's name after a comma ("…, des Ressources …").
_CONTINUATIONS = _LEXICON.words("organizations", "continuations")
_LEADING_PREPOSITION = re.compile(
    "^(?:" + _LEXICON.alternation("organizations", "leading_prepositions", end=False) + r")\s+"
)


def names_institution(text: str) -> bool:
    """Whether the text holds an institution word ("Ministry", "Université", "Instituto")."""
    return bool(INSTITUTION.search(fold_accents(text)))


def _without_leading_preposition(segment: str) -> str:
    words, offsets = fold_with_offsets(segment)
    match = _LEADING_PREPOSITION.match(words)
    return segment[offsets[match.end()] :] if match else segment


def _without_note(segment: str) -> str:
    """ "Centre Suisse … (adresse électronique communiquée ultérieurement)": a note in
    brackets after the name goes; an acronym in brackets ("(IRAD)") stays."""
    opening = segment.rfind("(")
    note = segment[opening + 1 :].strip(" )")
    if opening > 0 and note[:1].islower() and " " in note:
        return segment[:opening]
    return segment


def _balanced(segment: str) -> str:
    """Without a bracket left open or closed at either end: "(IRAD)" keeps its own."""
    while segment.endswith((")", "）")) and segment.count("(") + segment.count("（") < (
        segment.count(")") + segment.count("）")
    ):
        segment = segment[:-1].rstrip()
    while segment.startswith(("(", "（")) and segment.count("(") + segment.count("（") > (
        segment.count(")") + segment.count("）")
    ):
        segment = segment[1:].lstrip()
    if segment.startswith(("(", "（")) and segment.endswith((")", "）")):
        segment = segment[1:-1].strip()
    return segment.rstrip(" (（")


def institution(segment: str) -> str | None:
    """The segment as an institution's name, or None when it does not read as one."""
    segment = _balanced(_without_note(squeeze(segment)).strip(" ,;:-–—|"))
    if not segment or len(segment) > 120 or "@" in segment:
        return None
    segment = _without_leading_preposition(segment)
    words = fold_accents(segment)
    if (
        is_capitalised(segment[:1])
        and INSTITUTION.search(words)
        and not _PROSE.search(words)
        and not _POSITION.match(words)
    ):
        return segment
    return None


def _continues(segment: str) -> bool:
    """Whether a segment goes on with the institution before it, cut at a comma
    ("Ministère de l'Agriculture, des Ressources Naturelles …")."""
    first = segment.split()[0] if segment.split() else ""
    return first[:1].islower() and fold_accents(first) in _CONTINUATIONS


def first_institution(segments: list[str]) -> str | None:
    """The first of the segments that names an institution, with the segments after it
    that go on with its name."""
    for index, segment in enumerate(segments):
        organization = institution(segment)
        if organization:
            following = segments[index + 1 :]
            while following and _continues(following[0]) and "@" not in following[0]:
                organization = f"{organization}, {squeeze(following.pop(0))}"
            return organization
    return None
