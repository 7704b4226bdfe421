"""Where a personal name stands in a piece of free text: a list item, a segment, a sentence.

The line readers cut a line into segments (at commas, semicolons, bars, dashes) and ask
here for the name most plausibly written in one; a name is a run of capitalised tokens
(with honorifics and particles), possibly family-name-first ("MITCHELL, Keisha").
Cleaning the name found is ``names``'s job.
"""

import re

from bot.reading.candidates import Candidate
from bot.reading.cjk_names import cjk_name_in, cjk_names_in
from bot.reading.name_words import (
    PARTICLES,
    bare_word,
    is_honorific,
    is_not_name_word,
    split_honorifics,
)
from bot.reading.names import is_full_name, normalise_name
from bot.reading.organizations import names_institution
from bot.reading.script import has_cjk, is_capitalised, is_latin, without_capitals
from bot.text import fold_accents, squeeze

LIST_MARKER = re.compile(
    r"^\s*(?:\(?\d{1,3}[.)\]]|\(?[a-z][.)\]](?=\s)|\(?[A-Z]\)(?=\s)|\(?[ivx]{1,4}[.)](?=\s)"
    r"|\d{1,3}-(?=\s)|[-*•·◦▪►–—o](?=\s)|#\d+)\s*"
)
# (An en or em dash separates with or without spaces, a hyphen only between spaces.)
_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
_SEPARATORS = re.compile(r"\s*(?:[,;|/\t،，、；：–—]|\s-\s|:\s)\s*")
_ADDRESS_FOLLOWS = re.compile(r"\s*[(<\[（]?\s*[^\s@]+@")
_TOKEN_PUNCTUATION = ",;:()[]\"'“”،，、；：（）"
_TOKEN = re.compile(r"\S+")
# A name in a sentence ends at the word these close ("Dr. Jane Mwangi, of …").
_NAME_CLOSERS = (",", ";", ":", ")", "）", "،", "，", "、", "؛", "；")
_OPENERS = ("(", "（", "<", "[")
MAX_NAME_WORDS = 5


def strip_list_marker(text: str) -> str:
    return LIST_MARKER.sub("", text, count=1).strip()


def segments(text: str) -> list[str]:
    """The pieces of a line between separators (commas, semicolons, bars, dashes)."""
    return [s for s in _SEPARATORS.split(text) if s and s.strip()]


def _name_tokens_run(tokens: list[str], start: int, step: int) -> list[str]:
    """The capitalised tokens from ``start`` walking by ``step``, in reading order."""
    run: list[str] = []
    index = start
    while 0 <= index < len(tokens):
        token = tokens[index].strip(_TOKEN_PUNCTUATION)
        bare = bare_word(token)
        if not token or is_not_name_word(token):
            break
        if not (is_capitalised(token) or is_honorific(token) or (bare in PARTICLES and run)):
            break
        run.append(token)
        index += step
    return run if step > 0 else list(reversed(run))


def _name_after_honorific(tokens: list[str]) -> tuple[str | None, str | None]:
    """An honorific opens the name: "… nominate Dr. Jane Mwangi of …"."""
    for index, token in enumerate(tokens):
        if is_honorific(token) and index + 1 < len(tokens):
            name, title = normalise_name(" ".join(_name_tokens_run(tokens, index, 1)))
            if is_full_name(name):
                return name, title
    return None, None


def _name_at_an_end(tokens: list[str]) -> tuple[str | None, str | None]:
    """The capitalised run that ends the text, else the one that opens it."""
    for step, start in ((-1, len(tokens) - 1), (1, 0)):
        run = _name_tokens_run(tokens, start, step)
        while run and run[-1].lower() in PARTICLES:
            run.pop()
        name, title = normalise_name(" ".join(run))
        if is_full_name(name):
            return name, title
    return None, None


def name_in(text: str) -> tuple[str | None, str | None]:
    """The personal name most plausibly written in a short piece of text; in a script
    without capitals, only one that an honorific opens."""
    name, title = _name_in(text)
    if name and not title and without_capitals(name):
        return None, None
    return name, title


def _name_in(text: str) -> tuple[str | None, str | None]:
    text = _without_cjk_note(strip_list_marker(squeeze(text)).strip(" ,;:-–—|*(<["))
    if not text:
        return None, None
    name, title = normalise_name(text)
    # In a script without capitals the whole text is a name only when an honorific opens
    # it; otherwise one may stand inside ("وترشيح السيدة فاطمة …").
    if is_full_name(name) and (title or not without_capitals(name or "")):
        return name, title
    if has_cjk(text):
        return cjk_name_in(text)
    tokens = text.split()
    name, title = _name_after_honorific(tokens)
    if name:
        return name, title
    return _name_at_an_end(tokens)


def _without_cjk_note(text: str) -> str:
    """ "Ms. HUANG Yiting（邮箱待补充）": a bracketed note in Chinese or Japanese after a name
    in Latin letters is not part of it (the other way round, "王伟（WANG Wei）", it is)."""
    note = _TRAILING_NOTE.search(text)
    if note and has_cjk(note.group()) and not has_cjk(text[: note.start()]):
        return text[: note.start()].rstrip()
    return text


def is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _in_capitals(words: list[str]) -> bool:
    """Whether every word is in capitals, particles aside ("VAN DER BERG", "DE LA CRUZ")."""
    return all(is_capitals(w) or w.lower() in PARTICLES for w in words)


def _family_first_shape(family_words: list[str], given_words: list[str]) -> bool:
    """Whether two segments read as family name (often in capitals) then given names."""
    if not (1 <= len(family_words) <= 5 and 1 <= len(given_words) <= 4):
        return False
    family_in_capitals = _in_capitals(family_words)
    given_in_capitals = all(is_capitals(w) for w in given_words)
    if not all(is_capitalised(w) for w in given_words):
        return False  # "ПЕТРОВ Андрей, старший научный сотрудник": a job after a name
    named = [w for w in family_words if not is_honorific(w)]
    if any(map(is_capitals, named)) and not _in_capitals(named):
        return False  # "SATO Kenji, Ministry …": the first segment is a whole name
    return not given_in_capitals and (family_in_capitals or len(family_words) <= 2)


def inverted_name(parts: list[str]) -> tuple[str, str | None] | None:
    """'MITCHELL, Keisha' or 'Mitchell, Keisha' written before an address: family first."""
    if len(parts) != 2:
        return None
    family, given = strip_list_marker(parts[0]), parts[1].strip()
    if not _family_first_shape(family.split(), given.split()):
        return None
    title, family = split_honorifics(family)
    name, honorific = normalise_name(f"{given} {family.upper()}")
    if is_full_name(name) and not names_institution(f"{family} {given}"):
        return name, title or honorific
    return None


def _opens_name(word: str) -> bool:
    """An honorific written as one opens a name ("Dr.", "г-н", "السيد"; a Latin one with
    its capital, so "me" or "se" in a sentence are not taken for Maître or S.E.)."""
    return is_honorific(word) and (word[:1].isupper() or not is_latin(word[:1]))


def _name_words_after(tokens: list[re.Match[str]], index: int) -> tuple[list[str], int]:
    """The honorifics from ``index`` and the name words after them, and where they end."""
    words, names, end = [tokens[index].group().strip(_TOKEN_PUNCTUATION)], 0, tokens[index].end()
    for token in tokens[index + 1 :]:
        raw = token.group()
        word = raw.strip(_TOKEN_PUNCTUATION)
        if not word or raw.startswith(_OPENERS) or names >= MAX_NAME_WORDS:
            break
        if not names and is_honorific(word):
            words.append(word)
        elif is_not_name_word(word) or not (
            is_capitalised(word) or (names and word.lower() in PARTICLES)
        ):
            break
        else:
            words.append(word)
            names += 1
        end = token.start() + raw.find(word) + len(word)
        if raw.endswith(_NAME_CLOSERS):
            break
    while names and words[-1].lower() in PARTICLES:
        words.pop()
        names -= 1
    if names and len(words[-1]) > 2:
        words[-1] = words[-1].rstrip(".")
    return (words if names else []), end


def _cjk_names_in_sentence(sentence: str, source: str) -> list[Candidate]:
    found = []
    for name, title, end in cjk_names_in(sentence):
        if not _ADDRESS_FOLLOWS.match(sentence[end : end + 120]):
            found.append(Candidate(None, name=name, title=title, source=source, line=sentence))
    return found


def names_in_sentence(sentence: str, source: str) -> list[Candidate]:
    """Honorific-led names in a nominating sentence that gives no address for them."""
    if has_cjk(sentence):
        return _cjk_names_in_sentence(sentence, source)
    found = []
    tokens = list(_TOKEN.finditer(sentence))
    index = 0
    while index < len(tokens):
        if not _opens_name(tokens[index].group().strip(_TOKEN_PUNCTUATION)):
            index += 1
            continue
        words, end = _name_words_after(tokens, index)
        index += max(len(words), 1)
        if not words or _ADDRESS_FOLLOWS.match(sentence[end : end + 120]):
            continue  # the address follows: the line reader has this person already
        name, title = normalise_name(" ".join(words))
        if name:
            found.append(Candidate(None, name=name, title=title, source=source, line=sentence))
    return found


def honorific_for(name: str | None, text: str) -> str | None:
    """The honorific the text writes before the person's name ("… Dr Amel Ben Salah, …")."""
    if not name:
        return None
    wanted = [fold_accents(w) for w in name.split()]
    tokens = [t.strip(_TOKEN_PUNCTUATION) for t in text.split()]
    words = [fold_accents(t) for t in tokens]
    for index in range(1, len(tokens) - len(wanted) + 1):
        if words[index : index + len(wanted)] != wanted:
            continue
        start = index
        while start > 0 and is_honorific(tokens[start - 1]):
            start -= 1
        if start < index:
            return " ".join(tokens[start:index])
    return None
