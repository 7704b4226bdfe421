"""Two ``nombot run`` on one PostgreSQL database and one mailbox share 500 messages.

A real Dovecot, a real SMTP capture, PostgreSQL; no mocks. The first process holds the
scheduler lease; the second is told ``[run] when_leased = "share"`` and works beside it.
500 new nominations arrive while both run (each gives a reply and two participant
notices). The test checks that each message was taken by exactly one of them (the counts
both log add up to 500, and both took some), has one inbound row, is filed once, and
that each of the 1,500 mails reached the server exactly once.
"""

import re
import signal
import time
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from tests.conftest import DATA, Bot, bot_env, run_config
from tests.processing.test_kill_pipeline import _caught_up, _state, nomination
from tests.support.waiting import wait_until

pytestmark = pytest.mark.xdist_group("two-workers")
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
MESSAGES = 500
INGESTED = re.compile(r"ingested (\d+) message")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_share_500_messages_and_never_both_act(
    tmp_path, mailbox, smtp, database_url, rules_dir
):
    config = run_config(
        tmp_path / "config.toml", rules_dir, mailbox.url, smtp.port, database_url,
        inbox={"timeout": 20}, outbox={"max_per_minute": 100000},
        policy={"secretariat_domains": ["cbd.int"], "daily_reply_cap": 1000},
        run={"when_leased": "share"},
    )  # fmt: skip
    bot = Bot(config, bot_env(mailbox.password))
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    first = bot.popen("run")
    time.sleep(3)  # the first one holds the lease
    second = bot.popen("run")
    time.sleep(3)
    with mailbox.server.client(mailbox.user, mailbox.password) as client:
        for index in range(MESSAGES):
            client.append("INBOX", nomination(500, index), msg_time=ON_TIME)
    outputs = []
    try:
        wait_until(
            lambda: _caught_up(database_url, mailbox, MESSAGES),
            600,
            "both workers to take every message",
            state=lambda: Counter(s for _, s, _ in _state(database_url)["outbox"]),
        )
    finally:
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=60)[0] for process in (first, second)]
    for process, output in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, output
        assert "Traceback" not in output, output
    assert "sharing its ingestion and outbox" in outputs[1], outputs[1]
    taken = [sum(int(n) for n in INGESTED.findall(output)) for output in outputs]
    assert sum(taken) == MESSAGES and min(taken) > 0, taken
    state = _state(database_url)
    assert len({mid for mid, _, _ in state["inbound"]}) == MESSAGES == len(state["inbound"])
    filed = [message_from_bytes(raw, policy=default)["Message-ID"] for _, raw, _ in
             mailbox.messages("Nominations-Processed")]  # fmt: skip
    assert len(filed) == MESSAGES == len(set(filed))
    received = Counter(c.message["Message-ID"] for c in smtp.messages)
    assert len(state["outbox"]) == 3 * MESSAGES
    assert {mid for mid, _, _ in state["outbox"]} == set(received)
    assert [mid for mid, n in received.items() if n > 1] == []
