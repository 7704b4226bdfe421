"""Names written in Chinese characters or Korean syllables: one word, family name first.

"王伟", "张丽华女士", "박준호 박사": a name is two to four characters opening with a
family name of the language files, often followed by an honorific (女士, 先生, 博士,
박사) written with or without a space; it is kept as written (no reordering).
"""

import re

from bot.reading.name_words import FAMILY_NAMES, NOT_NAME_WORDS, SUFFIX_HONORIFICS
from bot.reading.script import is_cjk_word

# Lengths tried for a name inside a longer run of characters, most likely first.
_NAME_LENGTHS = (3, 2, 4)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


# The middle dot of a name written in Chinese characters from another language ("巴奈·古拉斯").
_NAME_DOTS = "·・•‧"


def is_cjk_name(word: str, labelled: bool = False) -> bool:
    """Two to four characters opening with a known family name; or parts joined by a middle
    dot, as Chinese writes indigenous and foreign names ("巴奈·古拉斯", "约翰·史密斯"). In a
    field or column labelled as a name (``labelled``) the family name need not be one we
    know ("木文军": 木 is a Naxi family name)."""
    dotted = (
        [p for p in re.split(f"[{_NAME_DOTS}]", word)] if any(d in word for d in _NAME_DOTS) else []
    )
    if dotted:
        return 2 <= len(dotted) <= 3 and all(is_cjk_word(p) and 1 <= len(p) <= 6 for p in dotted)
    if not is_cjk_word(word) or not 2 <= len(word) <= 4:
        return False
    pieces = (word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1))
    if any(piece in NOT_NAME_WORDS for piece in pieces):
        return False  # "项目官员" (a project officer) opens with the family name 项
    return labelled or word[:1] in FAMILY_NAMES or word[:2] in FAMILY_NAMES


def split_suffix_honorific(text: str) -> tuple[str | None, str]:
    """('女士', '张丽华') from '张丽华女士' or '张丽华 女士'; (None, text) without one."""
    stripped = text.rstrip()
    for honorific in SUFFIX_HONORIFICS:
        if stripped.endswith(honorific):
            rest = stripped[: -len(honorific)].rstrip()
            word = rest.split()[-1] if rest.split() else ""
            if is_cjk_name(word) or (rest != stripped[: -len(honorific)] and is_cjk_word(word)):
                return honorific, rest
    return None, text


def _name_ending_run(run: str) -> str | None:
    """The name that ends a run of characters ("我院推荐张丽华" -> "张丽华")."""
    if is_cjk_name(run):
        return run
    for length in _NAME_LENGTHS:
        if len(run) > length and is_cjk_name(run[-length:]):
            return run[-length:]
    return None


def cjk_names_in(text: str) -> list[tuple[str, str, int]]:
    """(name, honorific, where the honorific ends) of each name followed by an honorific
    in running text ("我单位推荐张丽华女士和陈刚先生")."""
    found = sorted(
        (match.start(), honorific)
        for honorific in SUFFIX_HONORIFICS
        for match in re.finditer(re.escape(honorific), text)
    )
    names, taken_until = [], 0
    for start, honorific in found:
        if start < taken_until:
            continue  # "선생님" already read, not "님" again
        before = text[:start].rstrip()
        runs = _CJK_RUN.findall(before[-12:]) if before else []
        name = _name_ending_run(runs[-1]) if runs and before.endswith(runs[-1]) else None
        if name:
            names.append((name, honorific, start + len(honorific)))
            taken_until = start + len(honorific)
    return names


def cjk_name_in(text: str) -> tuple[str | None, str | None]:
    """(name, honorific) of the first name followed by an honorific in running text, or of
    a piece of text that is a name by itself."""
    named = cjk_names_in(text)
    if named:
        return named[0][0], named[0][1]
    words = text.split()
    if len(words) == 1 and is_cjk_name(words[0]):
        return words[0], None
    return None, None
