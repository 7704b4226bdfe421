"""Personal names: honorifics off, natural order, family names in capitals re-cased.

``SATO Kenji`` becomes ``Kenji Sato``; ``Dr. Jane MWANGI`` becomes ``Jane Mwangi`` with
the title ``Dr.``; ``Mwangi, Jane`` (a header display name) becomes ``Jane Mwangi``. The
words these rules use (honorifics, particles, words that are never names) are in
``name_words``; finding where in a line a name stands is ``names_in_text``'s job.
"""

import os
import re
import unicodedata

from bot.reading.cjk_names import is_cjk_name, split_suffix_honorific
from bot.reading.name_words import (
    ARTICLES,
    FAMILY_ENDINGS,
    PARTICLES,
    PATRONYMIC_ENDINGS,
    POST_NOMINALS,
    is_honorific,
    is_not_name_word,
    split_honorifics,
)
from bot.reading.script import has_foreign_letters, is_capitalised, is_cjk_word, native_form
from bot.text import fold_accents

__all__ = [
    "is_full_name",
    "looks_like_name",
    "name_from_display",
    "normalise_name",
    "same_person",
    "split_honorifics",
]

_TOKEN_EDGE = "\"'“”‘’«»()[]{}<>*_:;,|•·–—-،，、；：（）"
_TOKEN_STRIP = ",;:،，、；："
_SPACES = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"\s*\([^)]*\)\s*$")  # "Jane Mwangi (MOE)"


def _is_upper_word(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _recase(token: str) -> str:
    """MWANGI -> Mwangi, JEAN-PIERRE -> Jean-Pierre, O'BRIEN -> O'Brien."""
    pieces = re.split(r"([-'’])", token.lower())
    return "".join(p[:1].upper() + p[1:] if p not in "-'’" else p for p in pieces)


def _has_letters_only(token: str) -> bool:
    return all(c.isalpha() or c in "-'’." for c in token)


def _without_decoration(raw: str, degrees: bool = True) -> str:
    """The name as written, without a trailing note, edge punctuation or post-nominals."""
    text = native_form(unicodedata.normalize("NFC", raw), is_honorific)
    text = _TRAILING_NOTE.sub("", _SPACES.sub(" ", text))
    text = text.strip().strip(_TOKEN_EDGE + " ").strip()
    return (POST_NOMINALS.sub("", text) if degrees else text).strip(" ,")


def _given_name_first(text: str) -> str:
    """'Mwangi, Jane' or 'KAMAU SMITH, Peter' (address headers) -> 'Jane Mwangi'."""
    if text.count(",") != 1:
        return text
    family, given = (part.strip() for part in text.split(","))
    if family and given and (" " not in family or _is_upper_word(family)):
        return f"{given} {family}"
    return text


def _without_leading_articles(words: list[str]) -> list[str]:
    """'el Ing. Luis …', 'la Sra. …': lower-case words before a name are not part of it."""
    while len(words) > 1 and words[0][:1].islower() and not is_honorific(words[0]):
        words.pop(0)
    return words


def _ends_with(token: str, endings: tuple[str, ...]) -> bool:
    word = fold_accents(token)
    return len(word) >= 5 and word.endswith(endings)


def _family_first_by_endings(tokens: list[str]) -> bool:
    """ "Гарипов Ильдар Рашитович" (a patronymic last) or "Каримова Дилноза" (a family-name
    ending on the first word only): written family name first, as in Russian forms."""
    if not all(has_foreign_letters(t) for t in tokens):
        return False
    if len(tokens) == 3:
        return _ends_with(tokens[2], PATRONYMIC_ENDINGS) and not _ends_with(
            tokens[1], PATRONYMIC_ENDINGS
        )
    return (
        len(tokens) == 2
        and _ends_with(tokens[0], FAMILY_ENDINGS)
        and not _ends_with(tokens[1], FAMILY_ENDINGS + PATRONYMIC_ENDINGS)
    )


def _natural_order(tokens: list[str]) -> tuple[list[str], list[bool]]:
    """Given names first and capitals re-cased; also which tokens were written in capitals."""
    upper = [_is_upper_word(t) for t in tokens]
    if any(upper) and not all(upper):
        if upper[0]:
            # "SATO Kenji", "NGUYEN Thi Lan": family name written first, in capitals.
            count = upper.index(False)
            tokens = tokens[count:] + tokens[:count]
            upper = upper[count:] + upper[:count]
        tokens = [_recase(t) if u else t for t, u in zip(tokens, upper, strict=True)]
    elif all(upper) or all(t.islower() for t in tokens):
        tokens = [_recase(t) for t in tokens]
    elif _family_first_by_endings(tokens):
        tokens, upper = tokens[1:] + tokens[:1], upper[1:] + upper[:1]
    return tokens, upper


def _lower_particles(tokens: list[str], upper: list[bool]) -> list[str]:
    """Particles inside a name read lower-case: "Anna VAN DER BERG" -> "Anna van der Berg".

    Only a name with words in capitals is re-cased: "Amel Ben Salah" stays as written.
    """
    for index in range(1, len(tokens) - 1):
        word = tokens[index].lower()
        if word not in PARTICLES or not any(upper):
            continue
        if word in ARTICLES and tokens[index - 1].lower() not in PARTICLES:
            continue
        tokens[index] = word
    return tokens


def normalise_name(
    raw: str | None, display_name: bool = False, degrees: bool = True
) -> tuple[str | None, str | None]:
    """(name, honorific) from a name as written; name is None when nothing name-like is left.

    ``display_name`` allows the ``Family, Given`` form used in address headers.
    """
    if not raw:
        return None, None
    text = _without_decoration(raw, degrees)
    if display_name:
        text = _given_name_first(text)
    title, text = split_honorifics(" ".join(_without_leading_articles(text.split())))
    suffix, text = split_suffix_honorific(text)
    title = " ".join(t for t in (title, suffix) if t) or None
    tokens = [t.strip(_TOKEN_STRIP) for t in text.split() if t.strip(_TOKEN_STRIP)]
    if not tokens or any(not _has_letters_only(t) for t in tokens):
        return None, title
    name = " ".join(_lower_particles(*_natural_order(tokens)))
    return (name if looks_like_name(name) else None), title


def looks_like_name(text: str | None) -> bool:
    """Whether text reads as a personal name (2–6 words, capitalised, no institution words)."""
    if not text:
        return False
    tokens = text.split()
    if not 1 <= len(tokens) <= 6:
        return False
    if len(tokens) == 1 and is_cjk_word(tokens[0]):
        return is_cjk_name(tokens[0])
    capitalised = 0
    for token in tokens:
        bare = token.strip(".,'’").lower()
        if is_not_name_word(token):
            return False
        if not _has_letters_only(token):
            return False
        if is_capitalised(token):
            capitalised += 1
        elif bare not in PARTICLES:
            return False
    if len(tokens) == 1:
        caseless = has_foreign_letters(tokens[0]) and not tokens[0][:1].isupper()
        return capitalised == 1 and len(tokens[0]) > 2 and not caseless
    return capitalised >= 2


def is_full_name(name: str | None) -> bool:
    """A given and a family name: two words or more, or one Chinese or Korean name."""
    return bool(name) and (len(name.split()) >= 2 or is_cjk_name(name))


def name_from_display(display: str | None) -> tuple[str | None, str | None]:
    """(name, honorific) from an address header display name; None when it is not a person's."""
    if not display or "@" in display:
        return None, None
    name, title = normalise_name(display, display_name=True)
    if is_full_name(name):
        return name, title
    return None, title


def _name_key(value: str) -> set[str]:
    """The words of a name, accent-folded and lower-cased, without initials."""
    folded = fold_accents(value)
    return {w for w in re.findall(r"[^\W\d_]+", folded) if len(w) > 1}


# Russian names change their ending with their case ("г-на Бакыта Асанова" is Бакыт Асанов).
_CYRILLIC_ENDING = 2


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if not ("\u0400" <= a[:1] <= "\u04ff" and "\u0400" <= b[:1] <= "\u04ff"):
        return False
    # "Мария" and "Марии", "Иванова" and "Ивановой": the same stem, ends of two letters or less.
    common = len(os.path.commonprefix([a, b]))
    return common >= 3 and max(len(a), len(b)) - common <= _CYRILLIC_ENDING


def _within(words: set[str], others: set[str]) -> bool:
    return all(any(_same_word(w, o) for o in others) for w in words)


def same_person(a: str | None, b: str | None) -> bool:
    """Loose comparison of two names (accents, case, order of words and the case endings
    of Russian names ignored)."""
    if not a or not b:
        return False
    left, right = _name_key(a), _name_key(b)
    return bool(left) and bool(right) and (_within(left, right) or _within(right, left))
