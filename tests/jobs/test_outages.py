"""Outages while ``nombot run`` works: the outgoing mail server, then the IMAP server,
stopped and started again (a Dovecot and an SMTP capture of this test's own, on
loopback). Nothing is lost, the bot catches up without a restart, and each outage is one
log line when it starts and one when it ends — however many attempts failed between."""

import contextlib
import signal
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import DATA, Bot, bot_env, run_config
from tests.support.dovecot import Dovecot
from tests.support.smtp import SmtpCapture
from tests.support.waiting import wait_until

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
USER, PASSWORD = "secretariat", "outage-test-password"
KIPRONO = "s.kiprono@environment.go.ke"
NDIAYE = "aminata.ndiaye@environnement.gouv.sn"


@pytest.fixture
def servers():
    dovecot = Dovecot()
    dovecot.add_users({USER: PASSWORD})
    dovecot.start()
    smtp = SmtpCapture().start()
    yield dovecot, smtp
    with contextlib.suppress(AssertionError, RuntimeError):  # already stopped by the test
        smtp.stop()
    dovecot.stop()


def _count(output: str, text: str) -> int:
    return sum(text in line for line in output.splitlines())


def test_each_outage_is_one_line_and_nothing_is_lost(tmp_path, servers, rules_dir):
    dovecot, smtp = servers
    inbox_url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    config = run_config(tmp_path / "config.toml", rules_dir, inbox_url, smtp.port,
                        f"sqlite:///{tmp_path / 'bot.db'}")  # fmt: skip
    bot = Bot(config, bot_env(PASSWORD))
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    process = bot.popen("run")
    try:
        time.sleep(4)  # started: the first poll has run, IDLE is waiting
        # 1. The outgoing mail server goes away while a nomination arrives.
        smtp.stop()
        dovecot.append(USER, PASSWORD, (DATA / "e2e" / "kenya.eml").read_bytes(), ON_TIME)
        wait_until(bot.participants, 30, "the nomination registered")
        time.sleep(6)  # flushes every second: several failed attempts
        smtp.restart()
        wait_until(lambda: smtp.to(KIPRONO), 30, "the confirmation once the server is back")
        # 2. The IMAP server goes away; mail sent meanwhile is read when it is back.
        dovecot.halt()
        time.sleep(12)  # two failed polls and several IDLE reconnections
        dovecot.start()
        dovecot.append(USER, PASSWORD, (DATA / "e2e" / "senegal.eml").read_bytes(), ON_TIME)
        wait_until(lambda: smtp.to(NDIAYE), 60, "the second confirmation, without a restart")
        time.sleep(2)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert _count(output, "outgoing mail server unavailable") == 1, output
    assert _count(output, "outgoing mail server available again") == 1, output
    assert _count(output, "inbox unavailable") == 1, output
    assert _count(output, "inbox available again") == 1, output
    # Nothing lost, nothing doubled.
    assert len(smtp.to(KIPRONO)) == 1 and len(smtp.to(NDIAYE)) == 1
    outcomes = [m["outcome"] for m in bot.messages()]
    assert outcomes == ["accepted", "accepted"]
