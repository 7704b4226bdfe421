"""Words the extractor recognises, in every language of ``bot/reading/languages``.

Field labels (``Nom :``, ``Correo electrónico:``, ``البريد الإلكتروني:``), table column
headers, and the cue phrases that tell a nomination from a withdrawal, a self-nomination,
nominees in copy, a colleague copied for information, a contact address or an address
given as wrong. The words are data (``lexicon``); matching is done on accent-folded
lower-case text (``folded``), which keeps every script.
"""

import re

from bot.reading.lexicon import SCHEMA, accent_blind, label_key, lexicon
from bot.text import fold_accents

_LEXICON = lexicon()
_LABEL_INDEX = _LEXICON.labels()
# Field/column kinds -> labels (accent-folded, lower-case, without the colon).
LABELS: dict[str, tuple[str, ...]] = {
    kind: tuple(label for label, k in _LABEL_INDEX.items() if k == kind)
    for kind in SCHEMA["labels"]
}
# Kinds whose value is a personal name (or a part of one).
NAME_KINDS = ("name", "name_family_first", "first", "middle", "last")


# Folded label -> the languages whose files give it.
_LABEL_LANGUAGES: dict[str, set[str]] = {}
for _code, _language in _LEXICON.languages.items():
    for _kind in SCHEMA["labels"]:
        for _label in _language.get("labels", _kind):
            _LABEL_LANGUAGES.setdefault(label_key(_label), set()).add(_code)

_LABEL_PARTS = re.compile(r"\s*[/／]\s*")
# A bracketed note after a label: how to write the field, not what it is.
_QUALIFIER = re.compile(r"\s*[(（][^()（）]{1,20}[)）]\s*[:：*]?\s*$")


# Where a label in one script meets its translation in another: "姓名 Name", "Имя Name".
_SCRIPT_CHANGE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[A-Za-z])|(?<=[A-Za-z.])\s+(?=[^\x00-\x7f])")


def _one_kind(parts: list[str]) -> str | None:
    """The kind shared by a label's translations; a full name beside a full name written
    family name first ("Фамилия, имя, отчество / Full name") is the latter, and a word
    that is a whole name in one language beside a half of it in another ("Nom / Surname",
    "Nombre / First name") is that half."""
    keys = [label_key(part) for part in parts if part.strip()]
    kinds = {_LABEL_INDEX.get(key) for key in keys}
    if kinds == {"name", "name_family_first"}:
        return "name_family_first"
    # Translations are in different languages; "Nom/Prénom" or "Name/Surname" in one
    # language is two fields written in one column (a whole name).
    languages = [_LABEL_LANGUAGES.get(key, set()) for key in keys]
    translated = len(keys) == 2 and not languages[0] & languages[1]
    for specific in ("first", "last"):
        if translated and kinds == {"name", specific}:
            return specific
    return kinds.pop() if len(kinds) == 1 else None


def label_kind(text: str) -> str | None:
    """The kind of a field label or column header, or None if it is not one we know; a
    label joining two of one kind ("职务/职称", "Fonction / Poste", "姓名 Name") is of that
    kind."""
    kind = _LABEL_INDEX.get(label_key(text))
    if kind is None and _QUALIFIER.search(text):  # "名（英文）", "Surname (in capitals)"
        kind = _LABEL_INDEX.get(label_key(_QUALIFIER.sub("", text)))
    if kind is None and ("/" in text or "／" in text):
        kind = _one_kind(_LABEL_PARTS.split(text))
    if kind is None and _SCRIPT_CHANGE.search(text):
        kind = _one_kind(_SCRIPT_CHANGE.split(text))
    return kind


# A labelled field at the start of a line: "Name: …", "Correo electrónico : …", "姓名：…".
_LABEL_WORDS = sorted(
    {label for label in _LABEL_INDEX if len(label) > 2 or (len(label) > 1 and not label.isascii())},
    key=len,
    reverse=True,
)
# An e-mail label closing the text before an address, after a space or a bracket:
# "王伟（WANG Wei） 邮箱：", "Jane Mwangi E-mail:" (the words before it are the name).
EMAIL_LABEL_AT_END = re.compile(
    r"(?<=[\s）)])("
    + "|".join(accent_blind(w) for w in sorted(LABELS["email"], key=len, reverse=True))
    + r")\s*[:：]\s*$",
    re.I,
)
# Spaces and direction marks, then a bullet or a list number ("1. ФИО: …", "2) Nom : …").
_LINE_START = r"^[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]*(?:[-*•·]\s*|\d{1,2}[.)]\s+)?"
FIELD_LINE = re.compile(
    _LINE_START + "(" + "|".join(accent_blind(w) for w in _LABEL_WORDS) + r")\s*[:：]\s*(.*)$",
    re.I,
)


def _cue(key: str) -> re.Pattern[str]:
    return _LEXICON.pattern("cues", key)


# Cues are matched on accent-folded lower-case text.
# Words that say someone is being put forward, strong enough on their own.
NOMINATION = _cue("nomination")
# Words that fit a nomination but also much other mail: they count only beside a
# reference to, or the keywords of, a call for nominations.
PARTICIPATION = _cue("participation")
WITHDRAWAL = _cue("withdrawal")
SELF_NOMINATION = _cue("self_nomination")
NOMINEES_IN_COPY = _cue("nominees_in_copy")
FOR_INFORMATION = _cue("for_information")
CONTACT = _cue("contact")
# Words that say an address written beside them is wrong (a correction gives the right one).
WRONG_ADDRESS = _cue("wrong_address")
RIGHT_ADDRESS = _cue("right_address")
AUTO_REPLY = _cue("auto_reply")
# Words of a letterhead or signature contact line: telephone, fax, post-office box.
LETTERHEAD = _cue("letterhead")
GREETING = re.compile(r"^\s*(?:" + _LEXICON.alternation("cues", "greeting") + ")", re.I)


def folded(text: str) -> str:
    return fold_accents(text)
