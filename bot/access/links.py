"""Participants' own links (meeting platforms issue one per registrant), imported from a
CSV with an ``email,url`` header (read as ``bot.store.csvfile`` reads any import: comma,
semicolon or tab; UTF-8 with or without a byte-order mark, else cp1252/latin-1) by
``nombot access links import FILE.csv``. The access mail uses a participant's own link
instead of the event's ``url``.

The whole file is checked before anything is written: the first bad line stops the
import with one line naming the file, the line and the problem. A good file is merged
in one transaction (new addresses added, changed links replaced, others kept).
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from bot.access.mail import access_live
from bot.access.publish import valid_url
from bot.errors import UserError
from bot.reading.addresses import normalise
from bot.store.csvfile import read_csv_text
from bot.store.models import AccessLink, Participant, utcnow

COLUMNS = ("email", "url")
MAX_URL = 2000  # the column's size


@dataclass(frozen=True)
class Link:
    email: str
    url: str
    line: int


@dataclass
class LinkReport:
    """What an import did, by address."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)  # no participant (yet) of the event
    already_sent: list[str] = field(default_factory=list)  # changed after their mail went

    @property
    def total(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (
            f"{self.total} link(s): {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged; {len(self.unregistered)} for addresses not "
            "registered for the event"
        )


def _link(row: dict, where: str) -> tuple[str, str]:
    raw_email = (row.get("email") or "").strip()
    email = normalise(raw_email)
    if not email:
        raise UserError(f"{where}: email: {raw_email!r} is not a valid address")
    url = (row.get("url") or "").strip()
    if len(url) > MAX_URL:
        raise UserError(f"{where}: url: longer than {MAX_URL} characters")
    if not valid_url(url):
        raise UserError(f"{where}: url: {url[:200]!r} is not an http(s) address")
    return email, url


def read_links(path: Path) -> list[Link]:
    """Every link of the file, or a UserError naming the first bad line."""
    source = read_csv_text(path)
    rows = source.reader()
    missing = rows.missing(COLUMNS)
    if missing:
        raise UserError(
            f"{path}:{source.first_line}: missing column(s) {', '.join(missing)}; expected a "
            f"header {','.join(COLUMNS)} ({rows.found()})"
        )
    links: dict[str, Link] = {}
    for row in rows:
        where = f"{path}:{rows.line}"
        if not any(isinstance(v, str) and v.strip() for v in row.values()):
            continue
        email, url = _link(row, where)
        if email in links and links[email].url != url:
            first = links[email].line
            raise UserError(f"{where}: {email} already has another url on line {first}")
        links[email] = Link(email, url, rows.line)
    if not links:
        raise UserError(f"{path}: no links (one line per participant: email,url)")
    return list(links.values())


def import_links(session: Session, event_slug: str, links: list[Link]) -> LinkReport:
    """Merge the links into the event's, in the caller's transaction."""
    report = LinkReport()
    existing = {
        row.email: row
        for row in session.exec(select(AccessLink).where(AccessLink.event_slug == event_slug))
    }
    participants = {
        row.email: row
        for row in session.exec(select(Participant).where(Participant.event_slug == event_slug))
    }
    for link in links:
        row = existing.get(link.email)
        if row is None:
            session.add(AccessLink(event_slug=event_slug, email=link.email, url=link.url))
            report.added.append(link.email)
        elif row.url != link.url:
            row.url, row.imported_at = link.url, utcnow()
            session.add(row)
            report.updated.append(link.email)
        else:
            report.unchanged.append(link.email)
            continue
        participant = participants.get(link.email)
        if participant is None:
            report.unregistered.append(link.email)
        elif access_live(participant):
            report.already_sent.append(link.email)
    return report
