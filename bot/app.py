"""The composition root: builds the pieces every command needs from one validated configuration.

Rules and templates are loaded and checked here, before anything is fetched, so a bad
file stops the bot at start-up instead of half-way through a mailbox.
"""

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.config import Config
from bot.notify.writer import MailWriter
from bot.policy.events import Event, load_events
from bot.reading.analysis import AnalysisContext
from bot.store.db import open_database
from bot.store.models import Event as EventRow
from bot.store.models import utcnow


@dataclass
class Services:
    """Everything one message needs, built once per process."""

    config: Config
    engine: Engine
    events: list[Event]
    context: AnalysisContext
    writer: MailWriter

    def event(self, slug: str | None) -> Event | None:
        return next((e for e in self.events if e.slug == slug), None)


def load_rules(config: Config) -> list[Event]:
    """The events of ``rules_dir``; any invalid file stops here with a ConfigError."""
    return load_events(config.rules_path)


def analysis_context(config: Config, events: list[Event] | None = None) -> AnalysisContext:
    events = load_rules(config) if events is None else events
    return AnalysisContext(
        events=[e.terms for e in events],
        own_addresses=config.own_addresses(),
        own_domains=config.own_domains(),
        limits=config.limits,
    )


def mail_writer(config: Config) -> MailWriter:
    return MailWriter(
        config.templates_path, config.outbox.sender, config.outbox.reply_to, config.mail_domain
    )


def sync_events(engine: Engine, events: list[Event]) -> None:
    """Mirror the event files into the ``event`` table (reports and exports join on it).

    Safe when several processes start at once: a lost insert race is retried as an update.
    """
    for attempt in range(3):
        with Session(engine) as session:
            rows = {row.slug: row for row in session.exec(select(EventRow)).all()}
            for event in events:
                row = rows.get(event.slug) or EventRow(
                    slug=event.slug,
                    name=event.name,
                    deadline_utc=event.deadline_utc,
                    timezone=event.spec.timezone,
                )
                row.name, row.deadline_utc = event.name, event.deadline_utc
                row.timezone, row.updated_at = event.spec.timezone, utcnow()
                session.add(row)
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    raise


def build_services(config: Config) -> Services:
    """Load and check rules and templates, open the database: everything or one clear error."""
    events = load_rules(config)

    writer = mail_writer(config)
    writer.check()
    engine = open_database(config.database_url)
    sync_events(engine, events)
    return Services(
        config=config,
        engine=engine,
        events=events,
        context=analysis_context(config, events),
        writer=writer,
    )
