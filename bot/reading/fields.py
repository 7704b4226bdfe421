"""Labelled fields: "Name: Jane Mwangi", "Courriel : …", and the people a block of them names.

A labelled line may hold several fields ("Name: Jane Mwangi  Email: jane@…"); consecutive
labelled lines form a block, and a block or a table row (as a mapping from field kind to
text) gives one candidate per address it holds, or one for its name when it has none.
"""

import re

from bot.reading.addresses import deobfuscate, find_addresses
from bot.reading.candidates import Candidate
from bot.reading.cjk_names import is_cjk_name
from bot.reading.name_words import POST_NOMINALS, split_honorifics
from bot.reading.names import normalise_name
from bot.reading.names_in_text import name_in
from bot.reading.sentences import given_as_wrong
from bot.reading.vocabulary import FIELD_LINE, NAME_KINDS, label_kind
from bot.text import squeeze

# Field kinds that belong to one person: seen twice, they start the next person's block.
PERSON_FIELDS = ("email", *NAME_KINDS)
# A second label on the same line starts a new field.
_NEXT_LABEL = re.compile(r"(?:\s{2,}|\t|[,;|，；]\s*|\s[-–—]\s)(?=[^\W\d_][\w \-/.]{1,30}\s*[:：])")
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


def _join_name(*parts: str | None) -> str | None:
    present = [p for p in parts if p]
    return " ".join(present) if present else None


def _family_name_last(text: str) -> str:
    """'Петрова Анна Сергеевна' (a field that puts the family name first) -> given first.

    A family name written in capitals is moved by the name reader itself."""
    title, rest = split_honorifics(POST_NOMINALS.sub("", text))
    if rest.count(",") == 1:  # "RODRÍGUEZ PÉREZ, María Inés"
        family, given = (part.strip() for part in rest.split(","))
        return " ".join(w for w in (title, given, family) if w)
    words = rest.split()
    if len(words) < 2 or any(w.isupper() and len(w) > 1 for w in words):
        return text
    return " ".join([*([title] if title else []), *words[1:], words[0]])


def _raw_name(fields: dict[str, str]) -> str | None:
    if fields.get("name"):
        return fields["name"]
    if fields.get("name_family_first"):
        return _family_name_last(fields["name_family_first"])
    return _join_name(fields.get("first"), fields.get("middle"), fields.get("last"))


def _with_family_name(fields: dict[str, str]) -> dict[str, str]:
    """'Nom :' beside 'Prénom :' is the family name."""
    if "first" in fields and "name" in fields and "last" not in fields:
        fields = {**fields, "last": fields["name"]}
        del fields["name"]
    return fields


def _addresses_in(*texts: str) -> list[str]:
    """The addresses of a field, without one it gives as wrong ("X (а не Y)")."""
    addresses = []
    for text in texts:
        fixed, _ = deobfuscate(text)
        addresses.extend(
            f.address for f in find_addresses(fixed) if not given_as_wrong(fixed, f.start, f.end)
        )
    return addresses


def _name_field(raw_name: str | None, degrees: bool = True) -> tuple[str | None, str | None]:
    """(name, honorific) from a name field, which may also hold the address."""
    if not raw_name:
        return None, None
    if "@" in raw_name:
        raw_name = _ADDRESS_IN_NAME.sub("", raw_name)
    name, honorific = normalise_name(raw_name, degrees=degrees) if raw_name else (None, None)
    if raw_name and not name:
        name, honorific = name_in(raw_name)
    if not name and is_cjk_name(raw_name.strip(), labelled=True):
        name = raw_name.strip()  # the label says it is a name, whatever its family name
    return name, honorific


def from_fields(
    fields: dict[str, str], source: str, line: str, shape: str = "block"
) -> list[Candidate]:
    """Candidates from one labelled block or table row (``shape`` says which)."""
    fields = _with_family_name(fields)
    raw_name = _raw_name(fields)
    # An address written in the name field counts only when no e-mail field gives one
    # ("Nombre: Dra. Carmen Villalba (asistente: jose.mora@…)").
    addresses = _addresses_in(fields.get("email", "")) or _addresses_in(raw_name or "")
    # A family-name column is a name only ("ONDO MBA"): no degree is taken off its end.
    name, honorific = _name_field(raw_name, degrees="last" not in fields)
    title = (
        honorific
        or _clean_value(fields.get("title", ""))
        or _clean_value(fields.get("position", ""))
    )
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
        shape=shape,
    )
    if not addresses:
        return [Candidate(None, **base)] if name else []
    return [Candidate(address, **base) for address in dict.fromkeys(addresses)]
