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
        # Punctuation of other scripts, read as its Latin counterpart.
        "、": ",",
        "。": ".",
        "،": ",",
        "؛": ";",
        "؟": "?",
        # Arabic letters written in several ways: one form each, and no tatweel.
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ـ": "",
    }
)


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded: lower case, without combining marks (accents, Arabic hamza
    and vowel signs), compatibility forms resolved (full-width, ligatures). Letters and
    digits of every script are kept; other symbols outside ASCII are dropped."""
    if char.isascii():
        return char.lower()
    decomposed = unicodedata.normalize("NFKD", char.translate(_PUNCTUATION))
    kept = "".join(
        c for c in decomposed if not unicodedata.combining(c) and (c.isascii() or c.isalnum())
    )
    return unicodedata.normalize("NFC", kept).lower()


class _FoldTable(dict):
    """Code point -> folded text, filled on first sight (for ``str.translate``)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=1024)
def fold_accents(value: str) -> str:
    """Lower-case text without diacritics, for keyword matching. Every script is kept:
    Latin letters lose their accents, Arabic letters their hamza and vowel marks (and
    have one form each), Cyrillic, Chinese and Korean letters stay as they are."""
    if value.isascii():
        return value.lower()
    return value.translate(_FOLD_TABLE)


def fold_with_offsets(value: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, where it came from in ``value``
    (one more entry, ``len(value)``, marks the end), so a match on folded text can be
    mapped back to the text as written."""
    if value.isascii():
        return value.lower(), list(range(len(value) + 1))
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(value):
        folded = fold_char(char)
        parts.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(value))
    return "".join(parts), offsets
