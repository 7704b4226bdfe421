"""The retention purge: exactly the personal data of events past their retention period
goes, with a record of the counts; ``nombot purge --dry-run`` lists it and keeps it."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.jobs.retention import due_purges, purge, purge_due_at
from bot.store.models import (
    Decision,
    InboundMessage,
    Nomination,
    OutboxMail,
    Participant,
    PurgeRecord,
    RawMessage,
)
from tests.access.conftest import E2E, make_services, nominate
from tests.conftest import DATA, Bot, bot_env

FORUM, WEBINAR = "cb-forum-2025", "ra-webinar-2025"
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def services(tmp_path, database_url, rules_dir):
    """The forum keeps its data 30 days after it ends (18 July); the webinar, the default."""
    events = rules_dir / "events"
    shutil.copy(DATA / "corpus-rules" / "events" / f"{WEBINAR}.toml", events)
    forum = events / f"{FORUM}.toml"
    forum.write_text(
        forum.read_text(encoding="utf-8").replace(
            "max_per_government = 0", "max_per_government = 0\nretention_days = 30"
        ),
        encoding="utf-8",
    )
    services = make_services(tmp_path, database_url, rules_dir)
    nominate(services, E2E / "kenya.eml", E2E / "senegal.eml", received=ON_TIME)
    yield services
    services.engine.dispose()


def count(services, model, **where) -> int:
    with Session(services.engine) as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.exec(query).one()


def test_the_due_date_follows_the_event_or_the_configuration(services):
    forum, webinar = services.event(FORUM), services.event(WEBINAR)
    assert purge_due_at(services, forum).isoformat() == "2025-08-18T00:00:00-04:00"
    assert purge_due_at(services, webinar).date().isoformat() == "2026-09-20"  # 365 days


def test_nothing_goes_before_the_day(services):
    assert due_purges(services, datetime(2025, 8, 18, 3, 59, tzinfo=UTC)) == []
    assert purge(services, datetime(2025, 8, 18, 3, 59, tzinfo=UTC)) == []
    assert count(services, Participant) > 0


def test_the_purge_removes_exactly_the_events_personal_data(services):
    forum_people = count(services, Participant, event_slug=FORUM)
    assert forum_people >= 2
    with Session(services.engine) as session:  # a message of no event stays
        session.add(
            InboundMessage(
                dedupe_key="x" * 64, mailbox="INBOX", content_hash="y" * 64,
                received_at=ON_TIME, outcome="ignored",
            )
        )  # fmt: skip
        session.commit()
    after = datetime(2025, 8, 18, 4, 0, tzinfo=UTC)

    [plan] = due_purges(services, after)
    assert plan.event == FORUM and plan.counts["participants"] == forum_people
    assert count(services, Participant, event_slug=FORUM) == forum_people  # dry run: kept

    [done] = purge(services, after)
    assert done.counts == plan.counts
    assert count(services, Participant, event_slug=FORUM) == 0
    assert count(services, Nomination, event_slug=FORUM) == 0
    assert count(services, InboundMessage, event_slug=FORUM) == 0
    assert count(services, Decision) == 0 and count(services, OutboxMail) == 0
    assert count(services, RawMessage) == 0
    assert count(services, InboundMessage) == 1  # the message of no event
    with Session(services.engine) as session:
        [record] = session.exec(select(PurgeRecord)).all()
    assert record.event_slug == FORUM and record.counts["participants"] == forum_people
    assert purge(services, after) == []  # nothing left: no second record


def test_the_command_lists_then_purges(services):
    bot = Bot(services.config.source, bot_env())
    listed = bot.run("purge", "--dry-run").stdout
    # Run on today's date: the forum (2025) is long past its 30 days.
    assert f"{FORUM} (due 2025-08-18): would remove" in listed and "participants" in listed
    assert count(services, Participant, event_slug=FORUM) > 0
    assert f"{FORUM} (due 2025-08-18): removed" in bot.run("purge").stdout
    assert count(services, Participant, event_slug=FORUM) == 0
    assert "nothing to purge" in bot.run("purge").stdout
