"""IMAP ingestion against a real Dovecot: moves, UIDVALIDITY, size limits, concurrency."""

import json
import secrets
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, update
from sqlmodel import Session, select

from bot.config import load_config, parse_mail_url
from bot.inbox import InboxMessage
from bot.inbox.imap import ImapInbox
from bot.store.models import InboundMessage, MailboxState
from tests.conftest import DATA, ROOT, Bot, bot_env, write_config
from tests.support.dovecot import Dovecot
from tests.support.waiting import wait_until

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
UNRELATED = (ROOT / "examples" / "inbox" / "07-unrelated-question.eml").read_bytes()


@pytest.fixture(scope="module")
def dovecot_without_move():
    """A Dovecot that does not announce MOVE (as some servers do not)."""
    server = Dovecot(
        capabilities="IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE UIDPLUS NAMESPACE"
    )
    server.add_users({"staff": "staff-password"})
    server.start()
    yield server
    server.stop()


def test_without_move_the_message_is_copied_and_expunged(
    tmp_path, dovecot_without_move, monkeypatch
):
    server = dovecot_without_move
    server.append("staff", "staff-password", (DATA / "e2e" / "kenya.eml").read_bytes(), ON_TIME)
    config = load_config(
        write_config(
            tmp_path / "config.toml",
            {
                "inbox": {"url": f"imap://staff@127.0.0.1:{server.port}/INBOX"},
            },
        )
    )
    monkeypatch.setenv("NOMBOT_IMAP_PASSWORD", "staff-password")
    with ImapInbox(config, parse_mail_url(config.inbox.url)) as inbox:
        assert not inbox.client.has_capability("MOVE")
        state = MailboxState(mailbox=inbox.name)
        [message] = list(inbox.fetch_new(state))
        assert inbox.move([message], "Nominations-Processed") == 1
        gone = InboxMessage(
            message.key, None, 0, ON_TIME, uid=message.uid, uidvalidity=message.uidvalidity
        )
        assert inbox.move([gone], "Nominations-Processed") == 0  # already moved
    assert server.folder_messages("staff", "staff-password", "INBOX") == []
    assert len(server.folder_messages("staff", "staff-password", "Nominations-Processed")) == 1


def test_a_uidvalidity_change_refetches_without_processing_twice(imap_bot, mailbox, database_url):
    mailbox.append(UNRELATED, ON_TIME)  # not the bot's: it stays in the INBOX
    imap_bot.run("poll")
    engine = create_engine(database_url)
    with Session(engine) as session:
        session.exec(update(MailboxState).values(uidvalidity=1, last_uid=0))
        session.commit()

    result = imap_bot.run("poll")

    # Seen again after the reset, known by its key: passed over, not processed again …
    assert "fetched 0 message(s)" in result.stdout, result.stdout
    with Session(engine) as session:
        assert len(session.exec(select(InboundMessage)).all()) == 1  # … and recorded once
        state = session.exec(select(MailboxState)).one()
        assert state.uidvalidity != 1 and state.last_uid == 1
    assert "fetched 0 message(s)" in imap_bot.run("poll").stdout
    engine.dispose()


def test_an_oversized_message_is_kept_for_review_unread(tmp_path, mailbox, database_url, smtp):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(ROOT / "rules"), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": mailbox.url, "max_message_bytes": 2048},
            "outbox": {"url": f"smtp://127.0.0.1:{smtp.port}"},
            "database": {"url": database_url},
        },
    )
    bot = Bot(config, bot_env(mailbox.password))
    big = (DATA / "e2e" / "kenya.eml").read_bytes() + b"\n" + b"x" * 4000 + b"\n"
    mailbox.append(big, ON_TIME)

    bot.run("poll")

    [row] = json.loads(bot.run("messages", "--format", "json").stdout)
    assert row["outcome"] == "ignored"
    assert len(mailbox.messages("Nominations-Review")) == 1
    assert smtp.messages == []


def test_two_pollers_on_one_database_process_each_message_once(imap_bot, mailbox, smtp):
    for number in range(6):
        raw = (DATA / "e2e" / "kenya.eml").read_bytes()
        raw = raw.replace(b"<e2e-kenya-1@", f"<twice-{number}-{secrets.token_hex(3)}@".encode())
        raw = raw.replace(b"jane.mwangi@", f"jane.mwangi{number}@".encode())
        mailbox.append(raw, ON_TIME)
    failures = []

    def poll() -> None:
        result = imap_bot.run("poll", check=False)
        if result.returncode != 0:
            failures.append(result.stderr)

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    messages = json.loads(imap_bot.run("messages", "--format", "json").stdout)
    assert len(messages) == 6
    confirmations = [m for m in smtp.messages if m.message["Auto-Submitted"] == "auto-replied"]
    assert len(confirmations) == 6
    assert len({m.message["In-Reply-To"] for m in confirmations}) == 6


def test_idle_reads_what_came_before_it_was_up_then_waits_for_news(tmp_path, mailbox, monkeypatch):
    """Mail that arrived while the watcher was connecting sends no EXISTS: the watcher
    asks for one ingestion as soon as IDLE is up, then one per new message."""
    from bot.inbox.imap import IdleWatcher

    mailbox.append(UNRELATED, ON_TIME)  # in the INBOX before the watcher starts
    config = load_config(
        write_config(tmp_path / "config.toml", {"inbox": {"url": mailbox.url, "timeout": 10}})
    )
    monkeypatch.setenv("NOMBOT_IMAP_PASSWORD", mailbox.password)
    calls: list[float] = []
    stop = threading.Event()
    watcher = IdleWatcher(config, parse_mail_url(config.inbox.url), lambda: calls.append(1), stop)
    watcher.start()
    try:
        wait_until(lambda: len(calls) == 1, 20, "the wake-up once IDLE is up")
        mailbox.append(UNRELATED.replace(b"Message-ID: <", b"Message-ID: <again-"), ON_TIME)
        wait_until(lambda: len(calls) == 2, 20, "the wake-up for the new message")
    finally:
        stop.set()
        watcher.thread.join(timeout=15)
    assert len(calls) == 2
