"""The language data: one TOML file per language in ``bot/reading/languages``, read once.

Each file gives, for one language, the field labels by kind, the cue phrases by kind,
honorifics and the words around names, the words of institutions and positions, and the
phrases of forward and reply headers (the format is in ``languages/README.md``). The
``Lexicon`` merges every file: the readers ask it for a word set, a label index or a
compiled pattern, and never know which language a word came from. Adding a language is
adding a file.

Everything is compared accent-folded (``bot.text.fold_accents``): the words and the
literal characters of the patterns are folded when the files are read, so a file may
be written with its accents. A language whose words take prefixes or that is written
without spaces (``word_start = false``) has its cues found anywhere in the text; the
others at the start of a word.
"""

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable

from bot.text import fold_accents, fold_char

LANGUAGES_FOLDER = resources.files("bot.reading") / "languages"

# Every table and key a language file may hold; the value says what the key holds.
WORDS, PATTERNS, TEXT = "words", "patterns", "text"
SCHEMA: dict[str, dict[str, str]] = {
    "labels": dict.fromkeys(
        (
            "email", "first", "middle", "last", "name", "name_family_first", "title",
            "position", "organization", "country", "ignore",
        ),
        WORDS,
    ),
    "cues": dict.fromkeys(
        (
            "nomination", "participation", "withdrawal", "self_nomination",
            "nominees_in_copy", "for_information", "contact", "wrong_address",
            "right_address", "greeting", "auto_reply", "letterhead",
        ),
        PATTERNS,
    ),
    "sentences": {
        "replace_verbs": PATTERNS, "replace_by": PATTERNS, "instead": PATTERNS,
        "in_place": PATTERNS, "for_person": WORDS, "abbreviations": WORDS,
    },
    "names": {
        "honorifics": WORDS, "honorific_prefixes": WORDS, "needs_period": WORDS,
        "suffix_honorifics": WORDS, "post_nominals": WORDS, "not_name": WORDS,
        "particles": WORDS, "articles": WORDS,
        "family_names": TEXT, "family_endings": WORDS, "patronymic_endings": WORDS,
    },
    "organizations": {
        "institution": PATTERNS, "position_qualifiers": WORDS, "positions": PATTERNS,
        "prose": PATTERNS, "leading_prepositions": WORDS, "continuations": WORDS,
    },
    "references": {"number_words": PATTERNS, "number_after": PATTERNS},
    "addresses": {"role_mailboxes": WORDS, "at_words": WORDS, "dot_words": WORDS},
    "commands": {"accept": WORDS, "reject": WORDS, "withdraw": WORDS},
    "zones": {
        **dict.fromkeys(
            (
                "forward_separators", "original_separators", "forward_intro", "wrote",
                "closing", "closing_end", "letter_closing",
            ),
            PATTERNS,
        ),
        **dict.fromkeys(
            (
                "wrote_start", "header_from", "header_date", "header_to", "header_cc",
                "header_subject", "header_other", "forward_subject", "reply_subject",
            ),
            WORDS,
        ),
    },
}  # fmt: skip
LANGUAGE_KEYS = {"code", "word_start", "script", "character_weight", "stopwords"}


class LanguageFileError(ValueError):
    """A language file that cannot be used: the message names the file and the key."""


@dataclass(frozen=True)
class LanguageData:
    """One language file, checked."""

    code: str
    word_start: bool = True
    script: tuple[tuple[int, int], ...] = ()
    character_weight: float = 1.0
    stopwords: frozenset[str] = frozenset()
    tables: dict[str, dict[str, object]] = field(default_factory=dict)

    def get(self, table: str, key: str) -> list[str]:
        value = self.tables.get(table, {}).get(key, [])
        return value.split() if isinstance(value, str) else list(value)


def fold_pattern(pattern: str) -> str:
    """A regular expression with its literal characters folded; escapes are kept."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append(pattern[index : index + 2])
            index += 2
            continue
        out.append(fold_char(char))
        index += 1
    return "".join(out)


def _script_ranges(name: str, ranges: list[str]) -> tuple[tuple[int, int], ...]:
    found = []
    for text in ranges:
        match = re.fullmatch(r"([0-9A-Fa-f]{4,6})-([0-9A-Fa-f]{4,6})", text)
        if not match:
            raise LanguageFileError(f"{name}: script range {text!r} is not like '0600-06FF'")
        found.append((int(match.group(1), 16), int(match.group(2), 16)))
    return tuple(found)


def _script_start(ranges: list[tuple[int, int]]) -> str:
    """A lookahead for a letter of the given scripts: the words of languages written
    without word boundaries (Arabic, Chinese) open with one, so a regular expression skips
    every other position at once instead of trying each of their words there."""
    if not ranges:
        return ""
    chars = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in sorted(set(ranges)))
    return f"(?=[{chars}])"


def _check_table(name: str, table: str, values: object, word_start: bool) -> None:
    if table not in SCHEMA or not isinstance(values, dict):
        raise LanguageFileError(f"{name}: unknown table [{table}]")
    for key, value in values.items():
        kind = SCHEMA[table].get(key)
        if kind is None:
            raise LanguageFileError(f"{name}: unknown key {table}.{key}")
        if kind == TEXT and isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LanguageFileError(f"{name}: {table}.{key} must be a list of strings")
        control = next((v for v in value if any(ord(c) < 32 for c in v)), None)
        if control is not None:  # "\b" in a "…" string is a backspace: write patterns in '…'
            raise LanguageFileError(
                f"{name}: {table}.{key}: {control!r} holds a control character"
                " (write patterns in single quotes)"
            )
        if kind != PATTERNS:
            continue
        for pattern in value:
            if not word_start and r"\b" in pattern:
                raise LanguageFileError(
                    rf"{name}: {table}.{key}: {pattern!r} uses \b, but word_start is false"
                )
            try:
                re.compile(fold_pattern(pattern))
            except re.error as exc:
                raise LanguageFileError(f"{name}: {table}.{key}: {pattern!r}: {exc}") from None


def parse_language(text: str, name: str = "<language>") -> LanguageData:
    """One language file's text, checked against ``SCHEMA``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LanguageFileError(f"{name}: {exc}") from None
    header = data.pop("language", None)
    if not isinstance(header, dict) or not isinstance(header.get("code"), str):
        raise LanguageFileError(f"{name}: [language] with a code is required")
    unknown = set(header) - LANGUAGE_KEYS
    if unknown:
        raise LanguageFileError(f"{name}: unknown key language.{sorted(unknown)[0]}")
    word_start = header.get("word_start", True)
    if not isinstance(word_start, bool):
        raise LanguageFileError(f"{name}: language.word_start must be true or false")
    weight = header.get("character_weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 1 <= weight <= 5:
        raise LanguageFileError(f"{name}: language.character_weight must be a number from 1 to 5")
    for table, values in data.items():
        _check_table(name, table, values, word_start)
    return LanguageData(
        code=header["code"],
        word_start=word_start,
        script=_script_ranges(name, header.get("script", [])),
        character_weight=float(weight),
        stopwords=frozenset(fold_accents(w) for w in header.get("stopwords", "").split()),
        tables=data,
    )


def load_languages(folder: Traversable = LANGUAGES_FOLDER) -> dict[str, LanguageData]:
    """Every ``*.toml`` file of the folder, by language code, in file-name order."""
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    languages: dict[str, LanguageData] = {}
    for file in files:
        language = parse_language(file.read_text(encoding="utf-8"), file.name)
        if language.code in languages:
            raise LanguageFileError(f"{file.name}: language {language.code!r} given twice")
        languages[language.code] = language
    return languages


class Lexicon:
    """The language files merged: word sets, label index and patterns, built on demand."""

    def __init__(self, languages: dict[str, LanguageData]) -> None:
        self.languages = languages

    def words(self, table: str, key: str) -> frozenset[str]:
        """The words of every language, lower-cased as written and also accent-folded
        (not those with an ordinal indicator: "Dª" folded would be the particle "da")."""
        found: set[str] = set()
        for language in self.languages.values():
            for word in language.get(table, key):
                found.add(word.lower())
                if not _ORDINALS & set(word):
                    found.add(fold_accents(word))
        return frozenset(found)

    def phrases(self, table: str, key: str) -> list[str]:
        """The folded words or phrases of every language, longest first, once each."""
        found = {
            fold_accents(w): None for lang in self.languages.values() for w in lang.get(table, key)
        }
        return sorted(found, key=len, reverse=True)

    def alternation(self, table: str, key: str, start: bool = True, end: bool = False) -> str:
        """The patterns (or words, escaped) of every language as one regular expression,
        each language's at a word boundary when it has them (``start``/``end``)."""
        groups: dict[bool, list[str]] = {True: [], False: []}
        literal = SCHEMA[table][key] != PATTERNS
        scripts: list[tuple[int, int]] = []
        for language in self.languages.values():
            for value in language.get(table, key):
                source = re.escape(fold_accents(value)) if literal else fold_pattern(value)
                groups[language.word_start].append(source)
                if not language.word_start and language.script:
                    scripts.extend(language.script)
        parts = []
        for bounded, sources in groups.items():
            if not sources:
                continue
            edge = r"\b" if bounded else _script_start(scripts)
            body = "|".join(f"(?:{s})" for s in dict.fromkeys(sources))
            ending = edge if end and bounded else ""
            parts.append(f"{edge if start or not bounded else ''}(?:{body}){ending}")
        return "|".join(f"(?:{p})" for p in parts) or "(?!)"

    def pattern(self, table: str, key: str, start: bool = True, end: bool = False) -> re.Pattern:
        return re.compile(self.alternation(table, key, start, end), re.I)

    def labels(self) -> dict[str, str]:
        """Folded label -> field kind, for every label of every language."""
        return {
            label_key(label): kind
            for language in self.languages.values()
            for kind in SCHEMA["labels"]
            for label in language.get("labels", kind)
        }

    def family_names(self) -> frozenset[str]:
        return self.words("names", "family_names")

    def scripts(self) -> list[tuple[str, tuple[tuple[int, int], ...], float]]:
        """(code, Unicode ranges, character weight) of each language with a script."""
        return [
            (code, lang.script, lang.character_weight)
            for code, lang in self.languages.items()
            if lang.script
        ]

    def stopwords(self) -> dict[str, frozenset[str]]:
        return {code: lang.stopwords for code, lang in self.languages.items() if lang.stopwords}


_ORDINALS = {"ª", "º"}
_PLURAL_MARK = re.compile(r"\((s|es|a|as|e)\)")
_SPACES = re.compile(r"\s+")


def label_key(text: str) -> str:
    """How a label is compared: folded, without its colon, asterisk or "(s)", one space."""
    key = fold_accents(text).strip().strip(":*").strip()
    key = _PLURAL_MARK.sub("", key)  # "Prénom(s)", "Apellido(s)"
    return _SPACES.sub(" ", key)


@cache
def lexicon() -> Lexicon:
    """The lexicon of the language files shipped with the package (read once)."""
    return Lexicon(load_languages())


# Raw characters that fold to each folded letter, for patterns matched on text as written.
_VARIANT_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x0400, 0x04FF), (0x0600, 0x06FF))


@cache
def _variants() -> dict[str, str]:
    table: dict[str, set[str]] = {}
    for low, high in _VARIANT_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            folded = fold_char(char)
            if len(folded) == 1 and folded != char.lower():
                table.setdefault(folded, {folded}).add(char)
    return {k: "".join(sorted(v)) for k, v in table.items()}


def accent_blind(phrase: str) -> str:
    """A regular expression matching ``phrase`` (folded) as written: with accents, with
    any Arabic form of its letters, with any run of spaces where it has one."""
    variants = _variants()
    out = []
    for char in fold_accents(phrase):
        if char == " ":
            out.append(r"\s+")
        elif char in variants:
            out.append("[" + re.escape(variants[char]) + "]")
        else:
            out.append(re.escape(char))
    return "".join(out)
