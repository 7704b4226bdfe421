"""Which script a word is written in, as far as reading names needs to know.

Names are found by their shape, and the shape depends on the script: Latin and Cyrillic
names are capitalised words; Arabic has no capitals, so any word may open a name;
Chinese and Korean write a name as one word of two to four characters, family name
first. A name given in its own script and in a Latin transliteration ("王伟（WANG Wei）",
"Айгуль ТОКТОГУЛОВА / Aigul TOKTOGULOVA") is kept in its own script.
"""

import re
from collections.abc import Callable

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_NOT_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")
_BRACKETED = re.compile(r"\s*[(（\[][^()（）\[\]]*[)）\]]")


def is_cjk(char: str) -> bool:
    """A Chinese character or a Korean syllable."""
    return bool(_CJK.match(char))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def is_latin(char: str) -> bool:
    code = ord(char)
    return code < 0x0250 or 0x1E00 <= code <= 0x1EFF


def is_caseless(char: str) -> bool:
    """A letter of a script without capitals (Arabic, Chinese, Korean …)."""
    return char.isalpha() and not char.isupper() and not char.islower()


def is_capitalised(token: str) -> bool:
    """Whether a word opens with a capital, or with a letter of a script without them."""
    first = next((c for c in token if c.isalpha()), "")
    return bool(first) and (first.isupper() or is_caseless(first))


def has_foreign_letters(text: str) -> bool:
    """Whether the text holds letters outside the Latin script."""
    return bool(_NOT_LATIN_LETTER.search(text))


def without_capitals(text: str) -> bool:
    """Whether a name is written in a script without capitals and not as one word of
    Chinese or Korean: its shape says nothing, only an honorific or a label does."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(is_caseless(c) and not is_cjk(c) for c in letters)


def is_cjk_word(token: str) -> bool:
    return bool(token) and all(is_cjk(c) for c in token)


def native_form(text: str, keeps: Callable[[str], bool] = lambda _: False) -> str:
    """The part of a name written in its own script, when a Latin transliteration is given
    too: in brackets, after a slash, or after it (two name columns joined). Latin words
    before the native name are kept when ``keeps`` says so (honorifics)."""
    if not has_foreign_letters(text):
        return text
    text = _BRACKETED.sub(lambda m: m.group() if has_foreign_letters(m.group()) else "", text)
    if "/" in text:
        text = " ".join(part for part in text.split("/") if has_foreign_letters(part))
    tokens = text.split()
    first = next(i for i, t in enumerate(tokens) if has_foreign_letters(t))
    before = [t for t in tokens[:first] if keeps(t)]
    after = [t for t in tokens[first:] if has_foreign_letters(t) or not any(c.isalpha() for c in t)]
    return " ".join(before + after)
