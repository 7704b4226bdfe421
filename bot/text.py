"""Small text helpers shared by every stage: header-safe strings and whitespace."""

import re
import unicodedata

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


def fold_accents(value: str) -> str:
    """Lower-case text without diacritics, for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
