"""Fixtures for the access tests: a bot's real services (rules with an ``[access]``
section, the packaged templates, the focal-point directory) on a fresh SQLite or
PostgreSQL database, nominations run through the real pipeline, and the queued mails
parsed back with ``email`` and icalendar."""

import email
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from bot.app import Services, build_services
from bot.config import load_config
from bot.inbox.deliver import deliver
from bot.processing.ingest import ingest_once
from bot.store.directory import import_entries, read_directory_file
from bot.store.models import OutboxMail, Participant
from bot.vocab import Template
from tests.conftest import DATA, ROOT, bot_config

SLUG = "cb-forum-2025"
EVENT_URL = "https://meet.cbd.int/j/cb-forum-2025"
E2E = DATA / "e2e"
EXAMPLES = ROOT / "examples" / "inbox"
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
# Two sessions: the second ends after midnight UTC (21:00 in Toronto is 01:00 UTC).
SESSIONS = """sessions = [
  { starts = 2025-07-14T09:00:00, ends = 2025-07-14T12:00:00 },
  { starts = 2025-07-15T21:00:00, ends = 2025-07-15T23:30:00 },
]
"""


def access_section(*, sessions: bool = True, publish_at: str | None = None) -> str:
    lines = [
        "",
        "[access]",
        f'url = "{EVENT_URL}"',
        'instructions = "access/cb-forum-2025.{lang}.md"',
    ]
    if publish_at:
        lines.append(f"publish_at = {publish_at}")
    return "\n".join(lines) + "\n" + (SESSIONS if sessions else "")


def add_access(rules_dir: Path, **options) -> None:
    path = rules_dir / "events" / f"{SLUG}.toml"
    path.write_text(path.read_text(encoding="utf-8") + access_section(**options), "utf-8")


def make_services(tmp_path: Path, database_url: str, rules_dir: Path) -> Services:
    config = bot_config(
        tmp_path, database_url, rules_dir, secretariat_addresses=["secretariat@cbd.int"]
    )
    services = build_services(load_config(config))
    entries = [
        *read_directory_file(DATA / "directory" / "focal-points.csv"),
        *read_directory_file(DATA / "directory" / "un-languages.csv"),
    ]
    with Session(services.engine) as session:
        import_entries(session, entries, "csv")
        session.commit()
    return services


@pytest.fixture
def services(tmp_path, database_url, rules_dir) -> Services:
    """Services whose cb-forum-2025 has access (a url, instructions, two sessions)."""
    add_access(rules_dir)
    services = make_services(tmp_path, database_url, rules_dir)
    yield services
    services.engine.dispose()


def nominate(services: Services, *files: Path, received: datetime | None = ON_TIME) -> None:
    """Deliver messages to the Maildir inbox and run one real ingestion cycle."""
    for file in files:
        deliver(services.config, file.read_bytes(), received)
    ingest_once(services)


@dataclass
class Mail:
    """A queued access mail, parsed back from the outbox row's bytes."""

    row: OutboxMail
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.row.to_email

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()

    @property
    def ics_part(self) -> EmailMessage:
        [part] = [
            p for p in self.message.iter_attachments() if p.get_content_type() == "text/calendar"
        ]
        return part

    @property
    def calendar(self) -> Calendar:
        return Calendar.from_ical(self.ics_part.get_content())

    @property
    def vevents(self) -> list:
        return list(self.calendar.walk("VEVENT"))

    @property
    def uids(self) -> list[str]:
        return [str(v["UID"]) for v in self.vevents]


def mails(services: Services, template: Template = Template.ACCESS) -> list[Mail]:
    with Session(services.engine) as session:
        rows = session.exec(
            select(OutboxMail).where(OutboxMail.template == template).order_by(OutboxMail.id)
        ).all()
    return [Mail(r, email.message_from_bytes(r.data, policy=policy.default)) for r in rows]


def participant(services: Services, address: str) -> Participant:
    with Session(services.engine) as session:
        return session.exec(select(Participant).where(Participant.email == address)).one()


def update_participant(services: Services, address: str, **values) -> None:
    with Session(services.engine) as session:
        row = session.exec(select(Participant).where(Participant.email == address)).one()
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        session.commit()
