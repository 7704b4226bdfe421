"""Institutions written beside a person: "Ministry of Environment", "INIA", "Université …".

A segment of a line names an institution when it is capitalised, holds an institution
word of the language files (English, French and Spanish have them), and is neither a
sentence nor a job title ("Head of Laboratory Section" is a position, not a laboratory).
"""

import re

from bot.reading.lexicon import lexicon
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
_PROSE = re.compile("(?:" + _LEXICON.alternation("organizations", "prose") + r")\w*\b")
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


def institution(segment: str) -> str | None:
    """The segment as an institution's name, or None when it does not read as one."""
    segment = squeeze(segment).strip(" ,;:-–—|()")
    if not segment or len(segment) > 120 or "@" in segment:
        return None
    segment = _without_leading_preposition(segment)
    words = fold_accents(segment)
    if (
        segment[:1].isupper()
        and INSTITUTION.search(words)
        and not _PROSE.search(words)
        and not _POSITION.match(words)
    ):
        return segment
    return None


def first_institution(segments: list[str]) -> str | None:
    """The first of the segments that names an institution."""
    for segment in segments:
        organization = institution(segment)
        if organization:
            return organization
    return None
