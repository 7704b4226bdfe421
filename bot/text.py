"""Small text helpers shared by every stage: header-safe strings and whitespace."""

import re
import unicodedata
from functools import lru_cache

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
_SPACES = re.compile(r"\s+")


def clean_header(value: str | None, limit: int = 998) -> str:
    """Untrusted text made safe for a header: no CR/LF or controls, one line, bounded."""
    if not value:
        return ""
    flat = _CONTROL.sub(" ", str(value))
    return _SPACES.sub(" ", flat).strip()[:limit]


def squeeze(value: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) into one space."""
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


_PUNCTUATION = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "œ": "oe",
    }
)


@lru_cache(maxsize=1024)
def fold_accents(value: str) -> str:
    """Lower-case text without diacritics, for keyword matching (letters outside the
    Latin script are dropped: no cue or keyword uses them)."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value.translate(_PUNCTUATION))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()
