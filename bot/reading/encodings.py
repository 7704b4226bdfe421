"""Text files that do not say their encoding: a byte-order mark, UTF-8, or the legacy code
page of the program that saved them.

Spreadsheet programs save CSV in the code page of the computer's locale: cp1252 (or
latin-1) in Western Europe and the Americas, cp1251 for Russian, GBK for Chinese, cp1256
for Arabic. Each
candidate that decodes the bytes without error is scored on the words it gives. A letter
of the code page's script scores when its word is plausible and loses otherwise:
plausible is a Latin accent beside plain Latin letters; a Cyrillic, Han or Arabic word
without Latin letters; small letters, a capital first or all capitals; a vowel in a
Cyrillic word in small letters; an Arabic ة or ى only at the end of a word. A common Han
character scores for both its bytes. The best score wins; earlier candidates win ties.
"""

import re
import unicodedata

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# (code page, the script its letters belong to), preferred first on a tie.
_LEGACY = (
    ("cp1252", "LATIN"),
    ("latin-1", "LATIN"),  # decodes the five bytes cp1252 leaves undefined (as controls)
    ("cp1251", "CYRILLIC"),
    ("gbk", "CJK"),
    ("cp1256", "ARABIC"),
)
# GB2312's first level: the 3,755 common Han characters, whose lead bytes are B0-D7.
_COMMON_HAN_LEADS = range(0xB0, 0xD8)
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєў")
_ARABIC_FINALS = frozenset("ةى")  # ta marbuta and alef maqsura end a word
_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# Control characters (C0 but tab and line ends, C1) and private-use characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")
_SAMPLE_CHARS = 200_000  # enough text to judge; the whole file is still decoded
_CONTROL_PENALTY = 5


def _script(char: str) -> str:
    """The first word of a letter's Unicode name (LATIN, CYRILLIC, CJK, ARABIC, …)."""
    return unicodedata.name(char, "?").split(" ", 1)[0]


def _cased_word(letters: str, script: str) -> bool:
    """small letters, a capital first or all capitals, as real words are written; a
    Cyrillic word in small letters has a vowel (capitals may be an abbreviation)."""
    if len(letters) < 2 or letters.isupper():
        return True
    if not (letters.islower() or letters.istitle()):
        return False
    return script != "CYRILLIC" or any(c in _CYRILLIC_VOWELS for c in letters.lower())


def _plausible(word: str, letters: list[str], script: str) -> bool:
    """Whether a word could have been written so in the candidate's script."""
    if any(_script(c) != script for c in letters):
        return False
    has_ascii = bool(_ASCII_LETTER.search(word))
    if script == "LATIN":
        return (has_ascii or len(word) == 1) and _cased_word(word, script)
    if has_ascii:
        return False
    if script == "CYRILLIC":
        return _cased_word(word, script)
    if script == "ARABIC":
        return not any(c in _ARABIC_FINALS for c in word[:-1])
    return True


def _weight(letter: str, script: str) -> int:
    """A well-placed letter is worth one, or both its bytes for a common Han character."""
    if script != "CJK":
        return 1
    encoded = letter.encode("gbk", "ignore")
    return 2 if len(encoded) == 2 and encoded[0] in _COMMON_HAN_LEADS else 1


def _word_score(word: str, script: str) -> int:
    """How well one word that holds non-ASCII characters fits the candidate's script."""
    letters = [c for c in word if not c.isascii() and unicodedata.category(c)[0] == "L"]
    if not letters:
        return 0
    alphabetic = "".join(filter(str.isalpha, word))
    if not _plausible(alphabetic, letters, script):
        return -len(letters)
    return sum(_weight(letter, script) for letter in letters)


def _score(text: str, script: str) -> int:
    sample = text[:_SAMPLE_CHARS]
    score = sum(_word_score(w, script) for w in _NON_ASCII_WORD.findall(sample))
    return score - len(_CONTROL.findall(sample)) * _CONTROL_PENALTY


def decode_unknown(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for bytes of unknown encoding; never raises."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, str, str] | None = None
    for name, script in _LEGACY:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        score = _score(text, script)
        if best is None or score > best[0]:
            best = (score, text, name)
    if best is None:  # unreachable: latin-1 decodes any bytes
        return data.decode("latin-1"), "latin-1"
    return best[1], best[2]
