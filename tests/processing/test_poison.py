"""Poison messages: a message whose processing raises stays in the inbox and is tried again
at the next poll, its attempts counted in the database across restarts; at the third
failure it is moved to the review folder as ``error``, counted in the digest, and never
tried again. The other messages go on being decided meanwhile."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from bot.config import load_config
from bot.inbox.deliver import deliver
from bot.processing import message as pipeline
from bot.processing.failures import MAX_ATTEMPTS
from bot.processing.ingest import ingest_once
from bot.staff.digest import build_digest, render_digest
from bot.store.models import InboundMessage, MailboxState, MessageFailure, Participant
from tests.conftest import DATA, ROOT, write_config
from tests.processing.support import import_directory, maildir_services, services_for

E2E = DATA / "e2e"
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
KENYA_ID = "<e2e-kenya-1@mail.environment.go.ke>"
KENYA = "s.kiprono@environment.go.ke"
MEXICO = "aruiz@semarnat.gob.mx"


class Crash:
    """The reader, made to raise on Kenya's nomination the first ``times`` times."""

    def __init__(self, monkeypatch, times: int = 10) -> None:
        self.left = times
        self.read = pipeline.read_mail
        monkeypatch.setattr(pipeline, "read_mail", self)

    def __call__(self, mail, *args, **kwargs):
        if mail.message_id == KENYA_ID and self.left > 0:
            self.left -= 1
            raise RuntimeError("the reader crashed")
        return self.read(mail, *args, **kwargs)


def _restart(services, writer):
    """The same bot started again: a new engine on the same database."""
    services.engine.dispose()
    return services_for(services.config, writer)


def _state(services) -> tuple[list[MessageFailure], list[InboundMessage]]:
    with Session(services.engine) as session:
        failures = list(session.exec(select(MessageFailure)).all())
        rows = list(session.exec(select(InboundMessage).order_by(InboundMessage.id)).all())
    return failures, rows


def _in_folder(services, folder: str | None) -> int:
    root = services.config.path(services.config.inbox.url.removeprefix("maildir:"))
    path = root / f".{folder}" if folder else root
    return sum(1 for sub in ("new", "cur") if (path / sub).exists() for _ in (path / sub).iterdir())


def test_a_message_failing_three_times_is_set_aside(
    monkeypatch, tmp_path, database_url, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    Crash(monkeypatch)
    for name in ("kenya.eml", "mexico.eml"):
        deliver(services.config, (E2E / name).read_bytes(), ON_TIME)

    first = ingest_once(services)

    assert dict(first.outcomes) == {"retrying": 1, "accepted": 1}
    failures, rows = _state(services)
    assert [(f.attempts, f.last_error) for f in failures] == [
        (1, "RuntimeError: the reader crashed")
    ]
    assert [r.from_email for r in rows] == [MEXICO]  # decided; Kenya's waits
    assert _in_folder(services, None) == 1
    waiting = build_digest(services)
    assert (waiting.health["retrying"], waiting.health["set_aside"]) == (1, 0)
    assert (
        "will be tried again at the next check of the inbox: 1"
        in render_digest(services, waiting)[0]
    )

    for attempt in range(2, MAX_ATTEMPTS + 1):
        services = _restart(services, writer)
        report = ingest_once(services)
        assert report.fetched == 1  # Kenya's again; Mexico's is not fetched twice
        failures, rows = _state(services)
        if attempt < MAX_ATTEMPTS:
            assert dict(report.outcomes) == {"retrying": 1}
            assert [f.attempts for f in failures] == [attempt]

    assert dict(report.outcomes) == {"error": 1}
    assert failures == []
    kenya = rows[-1]
    assert (kenya.from_email, kenya.outcome) == (KENYA, "error")
    assert kenya.reasons == [{"code": "bot_failed", "attempts": "3"}]
    assert kenya.error == "RuntimeError: the reader crashed"
    assert _in_folder(services, None) == 0
    assert _in_folder(services, services.config.inbox.review_folder) == 1
    assert ingest_once(_restart(services, writer)).fetched == 0  # never tried again

    digest = build_digest(services)
    assert (digest.health["set_aside"], digest.health["retrying"]) == (1, 0)
    text, html, _ = render_digest(services, digest)
    assert "Messages set aside after failing 3 times (in the review folder" in text
    assert "Messages set aside after failing 3 times" in (html or "")
    services.engine.dispose()


def test_a_message_that_failed_once_is_decided_at_the_next_poll(
    monkeypatch, tmp_path, database_url, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    Crash(monkeypatch, times=1)
    deliver(services.config, (E2E / "kenya.eml").read_bytes(), ON_TIME)

    assert dict(ingest_once(services).outcomes) == {"retrying": 1}
    services = _restart(services, writer)
    assert dict(ingest_once(services).outcomes) == {"accepted": 1}

    failures, rows = _state(services)
    assert failures == [] and [r.outcome for r in rows] == ["accepted"]
    with Session(services.engine) as session:
        assert len(session.exec(select(Participant)).all()) == 2
    assert build_digest(services).health["retrying"] == 0
    services.engine.dispose()


def test_a_failed_message_vanished_from_the_inbox_is_forgotten(
    monkeypatch, tmp_path, database_url, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    Crash(monkeypatch)
    deliver(services.config, (E2E / "kenya.eml").read_bytes(), ON_TIME)
    ingest_once(services)
    root = services.config.path(services.config.inbox.url.removeprefix("maildir:"))
    for file in [*(root / "new").iterdir(), *(root / "cur").iterdir()]:
        file.unlink()  # a person deleted it

    assert ingest_once(services).fetched == 0
    assert _state(services) == ([], [])
    services.engine.dispose()


@pytest.fixture
def imap_services(tmp_path, mailbox, database_url, rules_dir, writer, monkeypatch):
    monkeypatch.setenv("NOMBOT_IMAP_PASSWORD", mailbox.password)
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": mailbox.url, "idle": False, "timeout": 10},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}", "from": "nominations@cbd.int"},
            "database": {"url": database_url},
            "policy": {"secretariat_addresses": ["secretariat@cbd.int"]},
        },
    )
    services = services_for(load_config(config), writer)
    import_directory(services)
    yield services
    services.engine.dispose()


def _last_uid(services) -> int:
    with Session(services.engine) as session:
        return session.exec(select(MailboxState)).one().last_uid


def test_on_imap_the_last_uid_waits_below_a_failed_message(monkeypatch, imap_services, mailbox):
    services = imap_services
    Crash(monkeypatch)
    thanks = (
        b"From: Kwame Asante <k.asante@epa.gov.gh>\r\nTo: secretariat@cbd.int\r\n"
        b"Subject: Thank you\r\nMessage-ID: <thanks-1@epa.gov.gh>\r\n\r\n"
        b"Thank you for the information.\r\n"
    )
    for raw in ((E2E / "kenya.eml").read_bytes(), (E2E / "mexico.eml").read_bytes(), thanks):
        mailbox.append(raw, ON_TIME)  # UIDs 1, 2, 3

    first = ingest_once(services)
    assert dict(first.outcomes) == {"retrying": 1, "accepted": 1, "ignored": 1}
    assert _last_uid(services) == 0  # UID 1 waits: the next poll asks from it again
    second = ingest_once(services)
    # Kenya's is tried again; the ignored message left in the inbox is only passed over.
    assert (second.fetched, dict(second.outcomes)) == (1, {"retrying": 1})
    assert _last_uid(services) == 0

    third = ingest_once(services)

    assert dict(third.outcomes) == {"error": 1}
    assert _last_uid(services) == 3
    assert [uid for uid, _, _ in mailbox.messages()] == [3]  # the ignored one stays
    assert len(mailbox.messages(services.config.inbox.review_folder)) == 1
    assert ingest_once(services).fetched == 0
    _, rows = _state(services)
    assert sorted(r.outcome for r in rows) == ["accepted", "error", "ignored"]


def test_decided_messages_are_moved_in_batches_and_each_once(monkeypatch, imap_services, mailbox):
    from bot.processing import ingest

    monkeypatch.setattr(ingest, "MOVE_BATCH", 2)
    moves = []
    original = ingest.Filing.move

    def counted(filing):
        moves.append(sum(map(len, filing.waiting.values())))
        original(filing)

    monkeypatch.setattr(ingest.Filing, "move", counted)
    names = ["kenya", "mexico", "china", "saudi", "senegal"]
    for name in names:
        mailbox.append((E2E / f"{name}.eml").read_bytes(), ON_TIME)

    report = ingest_once(imap_services)

    assert (report.fetched, report.moved, report.move_errors) == (5, 5, 0)
    assert moves == [0, 2, 2, 1]  # nothing to retry, two full batches, the rest at the end
    assert mailbox.messages() == []
    _, rows = _state(imap_services)
    assert len(rows) == 5 and all(row.moved_at is not None for row in rows)
    assert ingest_once(imap_services).fetched == 0
