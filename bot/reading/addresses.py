"""E-mail addresses in free text: find them, undo obfuscation, validate, normalise."""

import re
from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from bot.reading.lexicon import lexicon

_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"  # \w: any letter
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
ADDRESS = re.compile(rf"(?<![\w.%+-])({_LOCAL}@{_DOMAIN})(?![\w-])")

_OPEN = r"[\[\(\{<]"
_CLOSE = r"[\]\)\}>]"
# Words written for "@" and "." ("at", "arroba", "собака"; "dot", "punto", "точка").
_AT_WORDS = sorted(lexicon().words("addresses", "at_words"), key=len, reverse=True)
_DOT_WORDS = sorted(lexicon().words("addresses", "dot_words"), key=len, reverse=True)
_AT = "|".join(map(re.escape, _AT_WORDS))
_DOT = "|".join(map(re.escape, _DOT_WORDS))
_BRACKET_AT = re.compile(rf"\s*{_OPEN}\s*(?:{_AT}|@)\s*{_CLOSE}\s*", re.I)
_BRACKET_DOT = re.compile(rf"\s*{_OPEN}\s*(?:{_DOT}|\.)\s*{_CLOSE}\s*", re.I)
_BARE = re.compile(
    rf"(?<![\w.@-])([A-Za-z0-9][A-Za-z0-9._+-]*)\s+(?:{_AT})\s+"
    rf"([A-Za-z0-9-]+(?:\s+(?:{_DOT})\s+[A-Za-z0-9-]+)+)(?![\w@])",
    re.I,
)
_BARE_DOT = re.compile(rf"\s+(?:{_DOT})\s+", re.I)
_ANY_WORD = re.compile("|".join(map(re.escape, [*_AT_WORDS, *_DOT_WORDS])), re.I)
_TLD = re.compile(r"\.[a-z]{2,24}$")
# Mailboxes of an organisation ("info@", "contact.us@", "sac@"), by the first word.
_ROLE_MAILBOXES = lexicon().words("addresses", "role_mailboxes")
_LOCAL_WORD = re.compile(r"[._+\-\d]+")


@dataclass(frozen=True)
class Found:
    """An address found in a line: where it stands and its normalised form."""

    address: str
    start: int
    end: int


def deobfuscate(line: str) -> tuple[str, bool]:
    """Rewrite ``name [at] host [dot] org`` forms as addresses.

    Returns the new line and whether a bare-word form (``name at host dot org``) was
    rewritten: that form is accepted but flagged for a human to check.
    """
    if not _ANY_WORD.search(line):
        return line, False
    changed = _BRACKET_AT.sub("@", line)
    if "@" in changed:
        changed = _BRACKET_DOT.sub(".", changed)
    flagged = False

    def bare(match: re.Match) -> str:
        nonlocal flagged
        domain = _BARE_DOT.sub(".", match.group(2))
        candidate = f"{match.group(1)}@{domain}"
        if _TLD.search(domain.lower()) and normalise(candidate):
            flagged = True
            return candidate
        return match.group(0)

    changed = _BARE.sub(bare, changed)
    return changed, flagged


@lru_cache(maxsize=4096)
def normalise(candidate: str) -> str | None:
    """The validated, lower-cased address, or None when it is not a deliverable form."""
    candidate = candidate.strip().strip(".,;:)(<>[]'\"").lower()
    if candidate.startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    if "@" not in candidate or len(candidate) > 254:
        return None
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def find_addresses(line: str) -> list[Found]:
    """Every valid address in a line, in order, with its span."""
    if "@" not in line:
        return []
    found = []
    for match in ADDRESS.finditer(line):
        text = match.group(1).rstrip(".")
        address = normalise(text)
        if address:
            found.append(Found(address, match.start(1), match.start(1) + len(text)))
    return found


def is_role_address(address: str) -> bool:
    """Whether an address is an organisation's mailbox rather than a person's."""
    local = address.rpartition("@")[0].lower()
    # "info@", "contact.us@", and a unit's mailbox such as "icg-adm@" or "bio-office@".
    return local in _ROLE_MAILBOXES or any(
        word in _ROLE_MAILBOXES for word in _LOCAL_WORD.split(local) if word
    )
