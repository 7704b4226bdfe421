"""From a real IMAP inbox to threaded confirmations, on SQLite and PostgreSQL."""

import json
import signal
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from bot.store.models import OutboxMail
from tests.conftest import DATA, ROOT, Bot, bot_env, write_config
from tests.support.dovecot import free_port
from tests.support.smtp import SmtpCapture
from tests.support.waiting import wait_until

TORONTO = ZoneInfo("America/Toronto")
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
DEADLINE = datetime(2025, 7, 11, 23, 59, 59, tzinfo=TORONTO)
NOMINATIONS = {
    "kenya.eml": ("s.kiprono@environment.go.ke", "<e2e-kenya-1@mail.environment.go.ke>"),
    "senegal.eml": (
        "aminata.ndiaye@environnement.gouv.sn",
        "<e2e-senegal-1@environnement.gouv.sn>",
    ),
    "mexico.eml": ("aruiz@semarnat.gob.mx", "<e2e-mexico-1@semarnat.gob.mx>"),
}
NOMINEES = {
    "jane.mwangi@biosafetykenya.go.ke",
    "p.otieno@kephis.go.ke",
    "moussa.diop@anb.gouv.sn",
    "lhernandez@cibiogem.gob.mx",
}


def raw(name: str) -> bytes:
    return (DATA / "e2e" / name).read_bytes()


def participants(bot: Bot) -> list[dict]:
    return json.loads(bot.run("participants", "--format", "json").stdout)


def replies(smtp) -> list:
    return [m for m in smtp.messages if m.message["Auto-Submitted"] == "auto-replied"]


def test_three_nominations_confirmed_threaded_and_filed(imap_bot, mailbox, smtp):
    for name in NOMINATIONS:
        mailbox.append(raw(name), ON_TIME)

    imap_bot.run("poll")

    rows = participants(imap_bot)
    assert {r["email"] for r in rows} == NOMINEES
    assert {r["status"] for r in rows} == {"confirmed"}
    confirmations = replies(smtp)
    assert len(confirmations) == 3
    for sender, message_id in NOMINATIONS.values():
        [reply] = [m for m in confirmations if m.recipients == [sender]]
        message = reply.message
        assert message["In-Reply-To"] == message_id
        assert message_id in message["References"]
        assert message["Subject"].startswith("Re: ")
        assert message["Message-ID"].endswith("@cbd.int>")
    assert mailbox.messages("INBOX") == []
    assert len(mailbox.messages("Nominations-Processed")) == 3

    sent_before = len(smtp.messages)
    imap_bot.run("poll")
    assert len(smtp.messages) == sent_before
    assert participants(imap_bot) == rows
    outcomes = [
        m["outcome"] for m in json.loads(imap_bot.run("messages", "--format", "json").stdout)
    ]
    assert outcomes == ["accepted"] * 3


def test_after_the_deadline_by_internaldate_is_late(imap_bot, mailbox, smtp):
    mailbox.append(raw("kenya.eml"), DEADLINE + timedelta(seconds=1))

    imap_bot.run("poll")

    [message] = json.loads(imap_bot.run("messages", "--format", "json").stdout)
    assert message["outcome"] == "late"
    assert {r["status"] for r in participants(imap_bot)} == {"pending"}
    assert all("late" in r["flags"] for r in participants(imap_bot))
    [reply] = replies(smtp)
    assert "after the deadline" in reply.message.get_body(("plain",)).get_content()


def test_not_the_bots_mail_stays_unread_in_the_inbox(imap_bot, mailbox, smtp):
    unrelated = (ROOT / "examples" / "inbox" / "07-unrelated-question.eml").read_bytes()
    mailbox.append(unrelated, ON_TIME)

    imap_bot.run("poll")

    [(_, _, flags)] = mailbox.messages("INBOX")
    assert b"\\Seen" not in flags
    assert smtp.messages == []


def _stop(process) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return output


def test_idle_confirms_long_before_the_next_poll(imap_bot, mailbox, smtp):
    process = imap_bot.popen("run")
    try:
        time.sleep(4)  # the start-up poll has run and the IDLE watcher is waiting
        mailbox.append(raw("kenya.eml"), ON_TIME)
        wait_until(lambda: replies(smtp), 30, "the confirmation (poll_interval is 600 s)")
    finally:
        output = _stop(process)
    assert "stopping" in output


def test_killed_between_commit_and_smtp_sends_once_after_restart(
    tmp_path, mailbox, database_url, rules_dir
):
    port = free_port()  # nothing listens yet: SMTP is down when the bot commits
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": mailbox.url, "poll_interval": 600, "idle": False, "timeout": 10},
            "outbox": {
                "url": f"smtp://127.0.0.1:{port}",
                "from": "nominations@cbd.int",
                "flush_interval": 1,
            },
            "database": {"url": database_url},
            "policy": {"secretariat_domains": ["cbd.int"]},
        },
    )
    bot = Bot(config, bot_env(mailbox.password))
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    mailbox.append(raw("kenya.eml"), ON_TIME)
    engine = create_engine(database_url)

    def confirmation_rows():
        with Session(engine) as session:
            return session.exec(
                select(OutboxMail).where(OutboxMail.template == "confirmation")
            ).all()

    first = bot.popen("run")
    try:
        failed = lambda: [r for r in confirmation_rows() if r.last_error]  # noqa: E731
        wait_until(failed, 30, "a failed send attempt")
    finally:
        first.kill()  # SIGKILL: no clean-up of any kind
        first.wait(timeout=10)
    [row] = confirmation_rows()
    assert row.status == "queued" and row.sent_at is None
    assert row.attempts == 0  # a server that cannot be reached costs no attempt

    smtp = SmtpCapture(port).start()
    second = bot.popen("run")
    try:
        wait_until(lambda: smtp.to("s.kiprono@environment.go.ke"), 30, "the confirmation")
        time.sleep(3)  # room for a duplicate to show up, were there one
    finally:
        _stop(second)
        smtp.stop()
    assert len(smtp.to("s.kiprono@environment.go.ke")) == 1
    [row] = confirmation_rows()
    assert row.status == "sent"
    engine.dispose()


@pytest.mark.parametrize("problem", ["wrong key", "unreachable", "wrong password"])
def test_bad_config_or_server_gives_one_line(tmp_path, mailbox, problem):
    inbox = {"url": mailbox.url, "timeout": 5}
    top = {"rules_dir": str(ROOT / "rules"), "templates_dir": str(ROOT / "templates")}
    password = mailbox.password
    if problem == "wrong key":
        inbox["pol_interval"] = 30
    elif problem == "unreachable":
        inbox["url"] = f"imap://{mailbox.user}@127.0.0.1:{free_port()}/INBOX"
    else:
        password = "not-the-password"
    config = write_config(
        tmp_path / "config.toml",
        {
            "": top,
            "inbox": inbox,
            "database": {"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        },
    )
    result = Bot(config, bot_env(password)).run("poll", check=False)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    expected = {
        "wrong key": "inbox.pol_interval: unknown key",
        "unreachable": "cannot connect",
        "wrong password": "refused",
    }[problem]
    assert expected in lines[0]
