"""The words around and inside personal names: honorifics, particles, and non-name words.

Language data for the name reader (``names``) and the line readers: which tokens open a
name as a title (``Dr.``, ``Mme``, ``Ing.``), which small words belong inside one (``de la``,
``van der``, ``bin``), and which words never stand in a person's name (institutions, mail
furniture, event words, job titles). Compared case-insensitively.
"""

import re

from bot.reading.lexicon import lexicon
from bot.text import fold_accents

_LEXICON = lexicon()
# Honorifics and academic/professional prefixes, compared without the trailing period and
# case-insensitively (also as written inside: "Dr.ª", "Eng.º", "г-жа", "أ.د").
HONORIFICS = _LEXICON.words("names", "honorifics")
# Words joined to the front of an honorific ("و" and: "والمهندسة سارة"): not part of it.
HONORIFIC_PREFIXES = tuple(
    sorted(_LEXICON.words("names", "honorific_prefixes"), key=len, reverse=True)
)
# Words that may open a name only when written with a period ("M. Dupont", not "M Dupont").
NEEDS_PERIOD = _LEXICON.words("names", "needs_period")
# Honorifics written after the name, often without a space: "张丽华女士", "박준호 박사".
SUFFIX_HONORIFICS = tuple(
    sorted(_LEXICON.words("names", "suffix_honorifics"), key=len, reverse=True)
)
# Degrees written after a name ("PhD", "MSc", "к.б.н."): not part of it, not a title.
POST_NOMINALS = re.compile(
    r",?\s*\b(?:"
    + "|".join(
        re.escape(word).replace(r"\.", r"\.?\s?")
        for word in sorted(_LEXICON.phrases("names", "post_nominals"), key=len, reverse=True)
    )
    + r")\.?\s*$",
    re.I,
)
PARTICLES = _LEXICON.words("names", "particles")
# Articles that begin a family name ("Le Gall", "La Rosa", "Al Balushi") and stay
# capitalised unless a preposition comes before them ("de la Cruz").
ARTICLES = _LEXICON.words("names", "articles")
# Words that never stand in a personal name: institutions, mail furniture, event words.
NOT_NAME_WORDS = _LEXICON.words("names", "not_name")
# Family names of the scripts that write a name as one word ("王伟", "김민지").
FAMILY_NAMES = _LEXICON.family_names()
# Endings of family names and patronymics in languages that inflect them (Russian).
FAMILY_ENDINGS = tuple(_LEXICON.words("names", "family_endings"))
PATRONYMIC_ENDINGS = tuple(_LEXICON.words("names", "patronymic_endings"))


def bare_word(token: str) -> str:
    """A token without its periods, lower-cased: how the word lists are compared."""
    return token.strip(".").lower()


def _listed_honorific(token: str) -> bool:
    word = bare_word(token)
    if word not in HONORIFICS and fold_accents(word) not in HONORIFICS:
        return False
    # Without its period, such a word is an honorific only written in lower case ("don
    # Julián Tupa"; "Don Smith" is a given name).
    lower_case_word = len(word) > 2 and token.islower()
    return not (word in NEEDS_PERIOD and not token.endswith(".") and not lower_case_word)


def without_prefix(token: str) -> str:
    """An honorific without a word joined to its front: "والمهندسة" -> "المهندسة"."""
    if _listed_honorific(token):
        return token
    for prefix in HONORIFIC_PREFIXES:
        rest = token[len(prefix) :]
        prefixed = token.startswith(prefix) and bare_word(rest) not in NEEDS_PERIOD
        if prefixed and _listed_honorific(rest):
            return rest
    return token


def is_honorific(token: str) -> bool:
    return _listed_honorific(without_prefix(token))


def is_not_name_word(token: str) -> bool:
    """Whether a word (as written, any case) is one that never stands in a name."""
    bare = token.strip(".,'’").lower()
    return bare in NOT_NAME_WORDS or fold_accents(bare) in NOT_NAME_WORDS


def split_honorifics(text: str) -> tuple[str | None, str]:
    """Take leading honorifics off a name: ('Prof. Dr.', 'Jane Mwangi')."""
    tokens = text.split()
    taken: list[str] = []
    while len(tokens) > 1 and is_honorific(tokens[0]):
        if tokens[0].lower() == "d." and len(tokens) < 3:
            break  # "D. Smith" is an initial; "D. Santiago Obiang" is Spanish "Don"
        taken.append(without_prefix(tokens.pop(0)))
    title = " ".join(taken) if taken else None
    return title, " ".join(tokens)
