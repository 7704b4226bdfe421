"""The database goes away under a running ``nombot run`` and comes back.

A PostgreSQL server of this test's own (``initdb`` and ``pg_ctl`` from Debian's
packages, on a free loopback port, so the suite's shared server is never touched), a
real Dovecot and an SMTP capture. A nomination is processed; the database is stopped;
a second nomination arrives while it is down and stays in the inbox; the database is
started again (within the scheduler lease, which the runner keeps renewing) and the
bot takes the second one without a restart. The log has one line when the outage
starts and one when it ends, however many attempts failed between.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import DATA, Bot, bot_env, run_config
from tests.jobs.test_outages import PASSWORD, USER, _count
from tests.support.dovecot import Dovecot, free_port
from tests.support.smtp import SmtpCapture
from tests.support.waiting import wait_until

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
KIPRONO = "s.kiprono@environment.go.ke"
NDIAYE = "aminata.ndiaye@environnement.gouv.sn"


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster run as the ``postgres`` user, trust auth."""

    def __init__(self, root: Path) -> None:
        self.bin = _postgres_bin()
        self.root = root
        self.data = root / "data"
        self.port = free_port()

    def _as_postgres(self, *command: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "--no-sync")  # fmt: skip
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.root / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                          "stop")  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def postgres():
    if _postgres_bin() is None:
        pytest.skip("PostgreSQL's server programs are absent (apt-get install postgresql)")
    # Not under pytest's own temporary folder: the postgres user must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="nombot-pg-"))
    server = PrivatePostgres(root).init()
    server.start()
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):
        server.stop()
    shutil.rmtree(root, ignore_errors=True)


def test_database_outage_is_one_line_and_nothing_is_lost(tmp_path, postgres, rules_dir):
    dovecot = Dovecot()
    dovecot.add_users({USER: PASSWORD})
    dovecot.start()
    smtp = SmtpCapture().start()
    inbox_url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    config = run_config(tmp_path / "config.toml", rules_dir, inbox_url, smtp.port, postgres.url)
    bot = Bot(config, bot_env(PASSWORD))
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    process = bot.popen("run")
    try:
        dovecot.append(USER, PASSWORD, (DATA / "e2e" / "kenya.eml").read_bytes(), ON_TIME)
        wait_until(lambda: smtp.to(KIPRONO), 60, "the first confirmation")
        postgres.stop()
        dovecot.append(USER, PASSWORD, (DATA / "e2e" / "senegal.eml").read_bytes(), ON_TIME)
        time.sleep(10)  # several polls and flushes fail meanwhile
        assert not smtp.to(NDIAYE)
        postgres.start()
        wait_until(lambda: smtp.to(NDIAYE), 60, "the second confirmation, without a restart")
        time.sleep(2)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        smtp.stop()
        dovecot.stop()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert _count(output, "database unavailable") == 1, output
    assert _count(output, "database available again") == 1, output
    assert len(smtp.to(KIPRONO)) == 1 and len(smtp.to(NDIAYE)) == 1
    outcomes = [m["outcome"] for m in bot.messages()]
    assert outcomes == ["accepted", "accepted"]
