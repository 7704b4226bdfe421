"""``nombot run`` killed with SIGKILL at 21 moments of the pipeline, and restarted.

A real Dovecot, a real SMTP capture, SQLite and PostgreSQL; no mocks. Each round appends
three new nominations (each gives a reply to the focal point and two participant notices)
and starts ``nombot run`` with ``NOMBOT_KILL_AT`` naming one moment (bot.failpoints):
before the message is stored, after it is stored, before and after its commit, around the
MOVE, after an outbox claim, in the middle of an SMTP transaction (recipient accepted,
DATA not sent). The process kills itself there; the next round's process is its restart.
A last run without a kill must then catch up, and the test checks:

- every appended message has exactly one inbound row and one outcome, and is filed once
  (the inbox is empty; no Message-ID twice in the processed folder);
- every outbox row was sent, and each reached the mail server exactly once;
- no claim is left: the last run finishes in seconds, not after the stale-claim delay.

The moment this leaves out is the one SMTP cannot close (RFC 1047): a kill between the
server's "250" to the data and the commit that marks the row sent makes that mail go out
again on restart. With a Maildir outbox the file is the check (``test_handed_over_once``).
A kill planned in the ingestion thread waits until the outbox thread is out of that
window (``bot.failpoints.unclosable_window``): without that, a kill at "fetched" landing
while another thread's mail had just been taken would prove the protocol's gap, not ours.
"""

import signal
import subprocess
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import create_engine, text

from bot.failpoints import ENVIRONMENT, Point
from tests.conftest import DATA, ROOT, Bot, bot_env, run_config
from tests.support.waiting import wait_until

pytestmark = pytest.mark.xdist_group("kill-pipeline")

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
KENYA = (DATA / "e2e" / "kenya.eml").read_bytes()
PER_ROUND = 3
KILLS = [
    (Point.FETCHED, 1),
    (Point.FETCHED, 2),
    (Point.READ, 1),
    (Point.READ, 3),
    (Point.STORED, 1),
    (Point.STORED, 2),
    (Point.DECIDED, 1),
    (Point.DECIDED, 3),
    (Point.COMMITTED, 1),
    (Point.COMMITTED, 2),
    (Point.COMMITTED, 3),
    (Point.MOVED, 1),
    (Point.MOVED, 2),
    (Point.CLAIMED, 1),
    (Point.CLAIMED, 2),
    (Point.CLAIMED, 4),
    (Point.HANDING_OVER, 1),
    (Point.HANDING_OVER, 2),
    (Point.HANDING_OVER, 5),
    (Point.MOVED, 3),
    (Point.FETCHED, 3),
]


def nomination(round_number: int, index: int) -> bytes:
    """A new nomination from Kenya's focal point: its own Message-ID and nominees."""
    tag = f"r{round_number}m{index}"
    return (
        KENYA.replace(b"e2e-kenya-1@", f"fault-{tag}@".encode())
        .replace(b"jane.mwangi@", f"jane.mwangi.{tag}@".encode())
        .replace(b"p.otieno@", f"p.otieno.{tag}@".encode())
    )


def _bot(tmp_path, mailbox, smtp, database_url, rules_dir) -> Bot:
    config = run_config(
        tmp_path / "config.toml", rules_dir, mailbox.url, smtp.port, database_url,
        inbox={"timeout": 10}, outbox={"max_per_minute": 10000},
        policy={"secretariat_domains": ["cbd.int"], "daily_reply_cap": 1000},
    )  # fmt: skip
    bot = Bot(config, bot_env(mailbox.password))
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    return bot


def _state(database_url: str) -> dict:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            inbound = connection.execute(
                text("SELECT message_id, outcome, moved_at IS NOT NULL FROM inbound_message")
            ).all()
            outbox = connection.execute(
                text("SELECT message_id, status, claimed_by FROM outbox_mail")
            ).all()
    finally:
        engine.dispose()
    return {"inbound": inbound, "outbox": outbox}


def _caught_up(database_url: str, mailbox, expected: int) -> bool:
    state = _state(database_url)
    return (
        len(state["inbound"]) == expected
        and all(moved for _, _, moved in state["inbound"])
        and all(status == "sent" for _, status, _ in state["outbox"])
        and not mailbox.messages("INBOX")
    )


def _kill_round(bot: Bot, point: Point, count: int) -> None:
    env = {**bot.env, ENVIRONMENT: f"{point.value}:{count}"}
    process = subprocess.Popen(
        [*bot_command(bot), "run"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"{point.value}:{count} was never reached:\n{output}") from None
    assert process.returncode == -signal.SIGKILL, f"{point.value}:{count}\n{output}"
    assert "Traceback" not in output, output


def bot_command(bot: Bot) -> list[str]:
    from tests.conftest import NOMBOT

    return [*NOMBOT, "--config", str(bot.config)]


def test_killed_anywhere_nothing_lost_nothing_doubled(
    tmp_path, mailbox, smtp, database_url, rules_dir
):
    bot = _bot(tmp_path, mailbox, smtp, database_url, rules_dir)
    appended = 0
    for round_number, (point, count) in enumerate(KILLS):
        for index in range(PER_ROUND):
            mailbox.append(nomination(round_number, index), ON_TIME)
            appended += 1
        _kill_round(bot, point, count)
    process = bot.popen("run")
    try:
        wait_until(
            lambda: _caught_up(database_url, mailbox, appended),
            120,
            "the restarted bot to catch up",
            state=lambda: Counter(s for _, s, _ in _state(database_url)["outbox"]),
        )
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    state = _state(database_url)
    # One outcome per message, every one a decided nomination.
    assert len({mid for mid, _, _ in state["inbound"]}) == appended
    assert Counter(outcome for _, outcome, _ in state["inbound"]) == {"accepted": appended}
    # Filed once each.
    filed = [message_from_bytes(raw, policy=default)["Message-ID"] for _, raw, _ in
             mailbox.messages("Nominations-Processed")]  # fmt: skip
    assert len(filed) == appended and len(set(filed)) == appended
    # Every outbox row sent, none twice, no claim left.
    assert all(status == "sent" and claimed is None for _, status, claimed in state["outbox"])
    received = Counter(c.message["Message-ID"] for c in smtp.messages)
    assert len(state["outbox"]) == appended * 3
    assert {mid for mid, _, _ in state["outbox"]} == set(received)
    assert [mid for mid, n in received.items() if n > 1] == []
    engine = create_engine(database_url)
    with engine.connect() as connection:  # what the server said it took each mail as
        queue_ids = connection.execute(text("SELECT queue_id FROM outbox_mail")).scalars().all()
    engine.dispose()
    assert set(queue_ids) == {"Message accepted for delivery"}


def test_handed_over_once(tmp_path, maildir_bot, database_url):
    """Killed after the transport took a mail but before it was marked sent: with a
    Maildir outbox the restart finds the file and writes no second one."""
    bot = maildir_bot
    for index in range(2):
        path = tmp_path / f"nomination-{index}.eml"
        path.write_bytes(nomination(99, index))
        bot.run("inbox", "append", str(path), "--received", ON_TIME.isoformat())
    killed = subprocess.run(
        [*bot_command(bot), "poll"], env={**bot.env, ENVIRONMENT: "handed-over:2"},
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    process = bot.popen("run")
    try:
        wait_until(
            lambda: all(s == "sent" for _, s, _ in _state(database_url)["outbox"]),
            60,
            "the restarted bot to send what was claimed",
        )
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    state = _state(database_url)
    assert len(state["outbox"]) == 6
    files = [m["Message-ID"] for m in bot.outbox()]
    assert sorted(files) == sorted(mid for mid, _, _ in state["outbox"])
