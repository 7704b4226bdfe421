"""Labelled fields: "Name: Jane Mwangi", "Courriel : …", and the people a block of them names.

A labelled line may hold several fields ("Name: Jane Mwangi  Email: jane@…"); consecutive
labelled lines form a block, and a block or a table row (as a mapping from field kind to
text) gives one candidate per address it holds, or one for its name when it has none.
"""

import re

from bot.reading.addresses import deobfuscate, find_addresses
from bot.reading.candidates import Candidate
from bot.reading.names import normalise_name
from bot.reading.names_in_text import name_in
from bot.reading.vocabulary import FIELD_LINE, label_kind
from bot.text import squeeze

# Field kinds that belong to one person: seen twice, they start the next person's block.
PERSON_FIELDS = ("email", "name", "first", "last")
# A second label on the same line starts a new field.
_NEXT_LABEL = re.compile(
    r"(?:\s{2,}|\t|[,;|]\s*|\s[-–—]\s)(?=[A-Za-zÀ-ÿ][\w \-/éèíóúñç]{1,30}\s*[:：])"
)
_ADDRESS_IN_NAME = re.compile(r"[<(\[]?\s*\S+@\S+\s*[>)\]]?")


def split_fields(line: str) -> list[tuple[str, str]]:
    """'Name: Jane Mwangi  Email: jane@…' -> [('name', 'Jane Mwangi'), ('email', 'jane@…')]."""
    pairs: list[tuple[str, str]] = []
    rest = line
    while True:
        match = FIELD_LINE.match(rest)
        if not match:
            break
        kind = label_kind(match.group(1)) or "ignore"
        value = match.group(2)
        inner = _NEXT_LABEL.search(value)
        if inner and FIELD_LINE.match(value[inner.end() :]):
            pairs.append((kind, value[: inner.start()]))
            rest = value[inner.end() :]
            continue
        pairs.append((kind, value))
        break
    return pairs


def _clean_value(value: str) -> str | None:
    value = squeeze(value).strip(" ,;:-–—|*")
    return value or None


def _join_name(first: str | None, last: str | None) -> str | None:
    parts = [p for p in (first, last) if p]
    return " ".join(parts) if parts else None


def _with_family_name(fields: dict[str, str]) -> dict[str, str]:
    """'Nom :' beside 'Prénom :' is the family name."""
    if "first" in fields and "name" in fields and "last" not in fields:
        fields = {**fields, "last": fields["name"]}
        del fields["name"]
    return fields


def _addresses_in(*texts: str) -> list[str]:
    addresses = []
    for text in texts:
        fixed, _ = deobfuscate(text)
        addresses.extend(f.address for f in find_addresses(fixed))
    return addresses


def _name_field(raw_name: str | None) -> tuple[str | None, str | None]:
    """(name, honorific) from a name field, which may also hold the address."""
    if not raw_name:
        return None, None
    if "@" in raw_name:
        raw_name = _ADDRESS_IN_NAME.sub("", raw_name)
    name, honorific = normalise_name(raw_name) if raw_name else (None, None)
    if raw_name and not name:
        name, honorific = name_in(raw_name)
    return name, honorific


def from_fields(fields: dict[str, str], source: str, line: str) -> list[Candidate]:
    """Candidates from one labelled block or table row."""
    fields = _with_family_name(fields)
    raw_name = fields.get("name") or _join_name(fields.get("first"), fields.get("last"))
    addresses = _addresses_in(fields.get("email", ""), raw_name or "")
    name, honorific = _name_field(raw_name)
    title = honorific or _clean_value(fields.get("title", ""))
    if title and name and title == name:
        title = None
    base = dict(
        name=name,
        title=title,
        organization=_clean_value(fields.get("organization", "")),
        country=_clean_value(fields.get("country", "")),
        source=source,
        listed=True,
        line=line,
    )
    if not addresses:
        return [Candidate(None, **base)] if name else []
    return [Candidate(address, **base) for address in dict.fromkeys(addresses)]
