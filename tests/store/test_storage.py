"""Storage: migrations build exactly the models' schema; constraints hold on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from bot.app import sync_events
from bot.config import load_config
from bot.policy.events import load_events
from bot.store.db import current_revision, head_revision, open_database
from bot.store.models import Event, Participant
from tests.conftest import ROOT


def test_migrations_match_the_models(database_url):
    engine = open_database(database_url)
    assert current_revision(engine) == head_revision(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_one_participant_per_event_and_address_in_lower_case(database_url):
    engine = open_database(database_url)
    with Session(engine) as session:
        session.add(Participant(event_slug="e", email="jane@x.org", status="confirmed"))
        session.commit()
    with Session(engine) as session:
        session.add(Participant(event_slug="e", email="jane@x.org", status="pending"))
        with pytest.raises(IntegrityError):
            session.commit()
    with Session(engine) as session:
        session.add(Participant(event_slug="e", email="Upper@X.org", status="pending"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_events_are_mirrored_from_the_rules(database_url):
    engine = open_database(database_url)
    events = load_events(ROOT / "rules")
    sync_events(engine, events)
    sync_events(engine, events)  # idempotent
    with Session(engine) as session:
        [row] = session.exec(select(Event)).all()
    assert row.slug == "cb-forum-2025"
    assert row.deadline_utc.isoformat() == "2025-07-12T03:59:59+00:00"
    assert load_config(ROOT / "config.example.toml").rules_path == ROOT / "rules"
