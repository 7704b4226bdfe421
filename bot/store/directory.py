"""The focal-point directory: who may nominate, for which government or organization.

Imported from the CSV of SPEC.md (``country,role,name,email,organization,language``) or
from the BCH index's JSON (``{"response":{"docs":[…]}}``). An import replaces the whole
directory in one transaction and reports what changed. Lookups are by address,
case-insensitive; one person may hold several roles and several addresses.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, delete, func
from sqlmodel import Session, select

from bot.errors import UserError
from bot.reading.addresses import normalise
from bot.reading.names import split_honorifics
from bot.store.csvfile import read_csv_text
from bot.store.models import FocalPoint, utcnow

CSV_COLUMNS = ("country", "role", "name", "email", "organization", "language")
_COUNTRY = re.compile(r"^(?:[A-Z]{2}|ORG:[A-Za-z0-9_.-]{1,60})$")
_ROLE = re.compile(r"^[A-Z][A-Z0-9-]{1,31}$")


@dataclass(frozen=True)
class Entry:
    """One (government, role, address) line of the directory."""

    country: str
    role: str
    name: str
    email: str
    organization: str | None = None
    language: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.country, self.role, self.email


@dataclass
class ImportReport:
    """What an import changed, by (country, role, email)."""

    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    total: int = 0

    def summary(self) -> str:
        return (
            f"{self.total} entries: {len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed"
        )


def _country(value: str, where: str) -> str:
    value = value.strip()
    value = value if value.upper().startswith("ORG:") and len(value) > 4 else value.upper()
    if value.upper().startswith("ORG:"):
        value = "ORG:" + value[4:]
    if not _COUNTRY.match(value):
        raise UserError(f"{where}: country: {value!r} is neither ISO 3166-1 alpha-2 nor ORG:<id>")
    return value


def _role(value: str, where: str) -> str:
    value = value.strip().upper()
    if not _ROLE.match(value):
        raise UserError(f"{where}: role: {value!r} is not a role code such as CPB-FP1")
    return value


def _email(value: str, where: str) -> str:
    address = normalise(value.strip())
    if not address:
        raise UserError(f"{where}: email: {value!r} is not a valid address")
    return address


def read_csv(path: Path) -> list[Entry]:
    """The entries of a directory CSV (comma, semicolon or tab; UTF-8, cp1252 or latin-1);
    an empty or header-only file gives none."""
    source = read_csv_text(path)
    if source.blank:
        return []
    rows = source.reader()
    missing = rows.missing(("country", "role", "name", "email"))
    if missing:
        raise UserError(
            f"{path}:{source.first_line}: missing column(s) {', '.join(missing)}; expected "
            f"{','.join(CSV_COLUMNS)} ({rows.found()})"
        )
    entries = []
    for row in rows:
        where = f"{path}:{rows.line}"
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        name = (row.get("name") or "").strip()
        if not name:
            raise UserError(f"{where}: name: missing")
        entries.append(
            Entry(
                country=_country(row.get("country") or "", where),
                role=_role(row.get("role") or "", where),
                name=name,
                email=_email(row.get("email") or "", where),
                organization=(row.get("organization") or "").strip() or None,
                language=(row.get("language") or "").strip().lower()[:8] or None,
            )
        )
    return entries


def read_bch_json(path: Path) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read ({exc})") from None
    return parse_bch_json(text, str(path))


def parse_bch_json(text: str | bytes, where_from: str) -> list[Entry]:
    """The focal points of a BCH index response (``{"response":{"docs":[…]}}``)."""
    path = where_from
    try:
        docs = json.loads(text)["response"]["docs"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise UserError(f"{path}: not a BCH index response ({type(exc).__name__}: {exc})") from None
    if not isinstance(docs, list):
        raise UserError(f"{path}: not a BCH index response (docs is not a list)")
    entries = []
    for number, doc in enumerate(docs, start=1):
        if not isinstance(doc, dict) or doc.get("schema_s") != "focalPoint":
            continue
        where = f"{path}: docs[{number - 1}]"
        government = str(doc.get("government_s") or "")
        if not government:
            continue
        country = _country(government, where)
        name = " ".join(p for p in (doc.get("firstName_s"), doc.get("lastName_s")) if p).strip()
        if not name:
            _, name = split_honorifics(str(doc.get("title_s") or "").strip())
        organization = doc.get("organization_EN_s") or doc.get("organization_s")
        for role in doc.get("type_ss") or []:
            for email in doc.get("email_ss") or []:
                address = normalise(str(email))
                if not address:
                    continue
                entries.append(
                    Entry(country, _role(str(role), where), name or address, address, organization)
                )
    return entries


def read_directory_file(path: Path) -> list[Entry]:
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        return read_bch_json(path)
    return read_csv(path)


def import_entries(session: Session, entries: list[Entry], source: str) -> ImportReport:
    """Replace the directory with ``entries`` (the caller commits: all or nothing)."""
    unique: dict[tuple[str, str, str], Entry] = {}
    for entry in entries:
        unique.setdefault(entry.key, entry)
    old = {(r.country, r.role, r.email): r for r in session.exec(select(FocalPoint)).all()}
    report = ImportReport(total=len(unique))
    for key, entry in unique.items():
        row = old.get(key)
        if row is None:
            report.added.append(entry)
        elif (row.name, row.organization, row.language) != (
            entry.name,
            entry.organization,
            entry.language,
        ):
            report.changed.append(entry)
    report.removed = [
        Entry(r.country, r.role, r.name, r.email, r.organization, r.language)
        for key, r in old.items()
        if key not in unique
    ]
    session.exec(delete(FocalPoint))
    now = utcnow()
    session.add_all(
        FocalPoint(
            country=e.country,
            role=e.role,
            name=e.name,
            email=e.email,
            organization=e.organization,
            language=e.language,
            source=source,
            imported_at=now,
        )
        for e in unique.values()
    )
    return report


def refusal(before: int, report: ImportReport, max_removed_share: float) -> str | None:
    """Why an import should not replace a directory of ``before`` entries unless forced:
    it holds nobody, or it would remove more than ``max_removed_share`` of them."""
    if report.total == 0:
        return "no focal points in the file"
    removed = len(report.removed)
    if before and removed / before > max_removed_share:
        return (
            f"it would remove {removed} of the {before} focal points ({removed / before:.0%}, "
            f"more than [directory] max_removed_share = {max_removed_share:g})"
        )
    return None


def import_file(
    engine: Engine, path: Path, max_removed_share: float, force: bool = False
) -> ImportReport:
    """``nombot directory import``: the file read whole, then the directory replaced in one
    transaction, unless ``refusal`` finds a reason and ``force`` is not given."""
    entries = read_directory_file(path)
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(FocalPoint)).one()
        source = "bch" if path.suffix.lower() == ".json" else "csv"
        report = import_entries(session, entries, source)
        why = refusal(before, report, max_removed_share)
        if why and not force:
            session.rollback()
            hint = "empties it" if report.total == 0 else "imports it anyway"
            raise UserError(f"{path}: {why}; the directory was left as it is (--force {hint})")
        session.commit()
    return report


def roles_of(session: Session, email: str) -> list[FocalPoint]:
    """Every role the address holds, for any government or organization."""
    return list(session.exec(select(FocalPoint).where(FocalPoint.email == email.lower())).all())


def governments_with_role(session: Session, countries: set[str], roles: list[str]) -> set[str]:
    """Which of ``countries`` have somebody holding one of ``roles`` in the directory."""
    if not countries or not roles:
        return set()
    rows = session.exec(
        select(FocalPoint.country).where(
            FocalPoint.country.in_(countries), FocalPoint.role.in_(roles)
        )
    ).all()
    return set(rows)
