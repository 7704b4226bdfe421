"""``nombot run`` scheduling: one job runner per database (the lease) and persistent jobs.

Real databases (SQLite and PostgreSQL), real ``nombot run`` processes on a Maildir inbox
and a Maildir outbox; no mocks.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, create_engine, inspect, text
from sqlmodel import SQLModel

from bot.config import load_config
from bot.jobs.specs import DIGEST_GRACE
from bot.scheduler import JOBS_TABLE, build_scheduler, run_job
from bot.store.db import open_database
from bot.store.lease import Lease, LeaseInfo, holder_id
from bot.store.models import RunnerLease, managed_by_migrations
from tests.conftest import DATA, ROOT, Bot, bot_env, write_config
from tests.support.waiting import wait_until

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)  # before the deadline of rules/events
KENYA, SENEGAL = "<e2e-kenya-1@mail.environment.go.ke>", "<e2e-senegal-1@environnement.gouv.sn>"
LEASE_SECONDS = 3  # the smallest the configuration allows: renewed every second


# -- the lease itself -------------------------------------------------------------------


@pytest.fixture
def engine(database_url):
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def _expired(lease: Lease) -> bool:
    current = lease.current()
    with lease.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            now = connection.execute(text("SELECT now()")).scalar_one()
        else:
            now = datetime.now(UTC)
    return current is not None and current.expires_at < now


def test_one_contender_holds_the_lease_until_it_expires_or_is_released(engine):
    first, second = Lease(engine, seconds=30), Lease(engine, seconds=30)
    assert first.acquire()
    assert not second.acquire()
    held = second.current()
    assert isinstance(held, LeaseInfo) and held.holder == first.holder
    assert f":{os.getpid()}:" in held.holder

    assert first.renew()
    renewed = first.current()
    assert renewed is not None and renewed.expires_at > held.expires_at
    assert renewed.acquired_at == held.acquired_at

    first.seconds = 0.5  # its next renewal is a short one: let it run out
    assert first.renew()
    wait_until(lambda: _expired(first), 10, "the lease to expire")
    assert second.acquire()
    assert not first.renew()  # lost: the holder must stop its jobs
    assert not first.acquire()
    first.release()  # not its lease any more: nothing happens
    current = second.current()
    assert current is not None and current.holder == second.holder

    second.release()
    assert second.current() is None
    assert first.acquire()
    first.release()


def test_contenders_starting_at_once_get_one_lease(engine):
    leases = [Lease(engine, seconds=30) for _ in range(6)]
    barrier = threading.Barrier(len(leases))
    won: list[Lease] = []

    def contend(lease: Lease) -> None:
        barrier.wait()
        if lease.acquire():
            won.append(lease)

    threads = [threading.Thread(target=contend, args=(lease,)) for lease in leases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    current = won[0].current()
    assert current is not None and current.holder == won[0].holder


def _insert_lease(engine: Engine, holder: str) -> None:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            RunnerLease.__table__.insert().values(  # type: ignore[attr-defined]
                name="scheduler",
                holder=holder,
                acquired_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )


def test_a_lease_left_by_a_dead_process_of_this_host_is_taken_over_at_once(engine):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = holder_id().split(":")[0]
    _insert_lease(engine, f"{host}:{gone.pid}:0badc0de")
    lease = Lease(engine, seconds=30)
    assert lease.acquire()
    current = lease.current()
    assert current is not None and current.holder == lease.holder


def test_a_lease_of_another_host_is_respected_until_it_expires(engine):
    _insert_lease(engine, "elsewhere.example.org:1:0badc0de")
    assert not Lease(engine, seconds=30).acquire()


# -- two `nombot run` processes -----------------------------------------------------------


class Running:
    """A ``nombot run`` process whose merged output is collected as it comes."""

    def __init__(self, bot: Bot) -> None:
        self.process = bot.popen("run")
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.process.pid

    def matching(self, needle: str) -> list[str]:
        return [line for line in list(self.lines) if needle in line]

    def wait_for(self, needle: str, seconds: float = 60) -> str:
        def seen():
            found = self.matching(needle)
            if not found and self.process.poll() is not None:
                self._reader.join(5)
                found = self.matching(needle)
                if not found:
                    output = "\n".join(self.lines)
                    raise AssertionError(f"nombot run exited without {needle!r}:\n{output}")
            return found[0] if found else None

        return wait_until(seen, seconds, f"{needle!r} from nombot run")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=60)
        self._reader.join(10)
        return code

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def scheduler_bot(folder: Path, inbox: Path, database_url: str, rules_dir: Path, **sections) -> Bot:
    """A bot of its own (config and outbox in ``folder``) on a shared inbox and database."""
    folder.mkdir()
    config = {
        "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
        "inbox": {"url": f"maildir:{inbox}", "poll_interval": 600},
        "outbox": {
            "url": f"maildir:{folder / 'outbox'}",
            "from": "CBD Secretariat <nominations@cbd.int>",
            "flush_interval": 1,
        },
        "database": {"url": database_url},
        "policy": {"secretariat_domains": ["cbd.int"]},
    }
    config.update(sections)
    config["run"] = {"lease_seconds": LEASE_SECONDS, **sections.get("run", {})}
    return Bot(write_config(folder / "config.toml", config), bot_env())


def _replies(bot: Bot) -> list:
    return [m for m in bot.outbox() if m["Auto-Submitted"] == "auto-replied"]


def _deliver(inbox: Path, name: str) -> None:
    """Drop a message into the Maildir's new/ as received before the event's deadline."""
    for sub in ("new", "cur", "tmp"):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    target = inbox / "new" / f"{time.time_ns()}.test"
    target.write_bytes((DATA / "e2e" / name).read_bytes())
    os.utime(target, (ON_TIME.timestamp(), ON_TIME.timestamp()))  # the receipt time


def test_a_second_run_told_to_exit_names_the_holder_and_fails(tmp_path, database_url, rules_dir):
    inbox = tmp_path / "inbox"
    first = scheduler_bot(tmp_path / "first", inbox, database_url, rules_dir)
    second = scheduler_bot(
        tmp_path / "second", inbox, database_url, rules_dir, run={"when_leased": "exit"}
    )
    running = Running(first)
    try:
        running.wait_for("nombot running")
        result = second.run("run", check=False, timeout=120)
    finally:
        assert running.stop() == 0, running.output
    assert result.returncode == 3, result.stderr
    said = [line for line in (result.stdout + result.stderr).splitlines() if "lease" in line]
    assert len(said) == 1, result.stderr
    assert f":{running.pid}:" in said[0] and " until " in said[0], said[0]
    assert "nombot running" not in result.stderr


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_a_second_run_told_to_wait_takes_over_when_the_first_ends(
    tmp_path, database_url, rules_dir, how
):
    inbox = tmp_path / "inbox"
    first = scheduler_bot(tmp_path / "first", inbox, database_url, rules_dir)
    second = scheduler_bot(
        tmp_path / "second", inbox, database_url, rules_dir, run={"when_leased": "wait"}
    )
    first.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    _deliver(inbox, "kenya.eml")
    one = Running(first)
    two = None
    try:
        one.wait_for("nombot running")
        wait_until(lambda: _replies(first), 60, "the reply to the nomination")
        two = Running(second)
        waiting = two.wait_for("waiting for it")
        assert f":{one.pid}:" in waiting and " until " in waiting, waiting
        time.sleep(LEASE_SECONDS)  # several renewals by the first: the second still waits
        assert not two.matching("nombot running"), two.output
        assert len(two.matching("lease is held")) == 1, two.output

        # Mail the first will not poll for (poll_interval = 600) and the second may not touch yet.
        _deliver(inbox, "senegal.eml")
        assert one.stop(signal.SIGTERM if how == "stopped" else signal.SIGKILL) in (0, -9)
        two.wait_for("nombot running")
        if how == "killed":
            assert two.matching("no longer running"), two.output
        wait_until(lambda: _replies(second), 60, "the reply from the second runner")
    finally:
        one.stop(signal.SIGKILL)
        if two is not None:
            assert two.stop() == 0, two.output
    # Each message answered once, the one that came while the first held the lease by the second.
    by_first = [m["In-Reply-To"] for m in _replies(first)]
    by_second = [m["In-Reply-To"] for m in _replies(second)]
    assert sorted(by_first + by_second) == [KENYA, SENEGAL], (by_first, by_second)
    assert SENEGAL in by_second
    assert len(first.messages()) == 2
    engine = create_engine(load_config(first.config).database_url)
    try:
        assert Lease(engine).current() is None  # released on the clean stop
    finally:
        engine.dispose()


def test_a_runner_whose_lease_is_taken_stops_its_jobs_and_fails(tmp_path, database_url, rules_dir):
    bot = scheduler_bot(tmp_path / "bot", tmp_path / "inbox", database_url, rules_dir)
    running = Running(bot)
    engine = create_engine(load_config(bot.config).database_url)
    try:
        running.wait_for("nombot running")
        # What another process does once the lease has expired (say the holder stalled),
        # in one statement so that no renewal comes in between.
        thief = Lease(engine, holder="elsewhere.example.org:1:0badc0de", seconds=3600)
        with engine.begin() as connection:
            connection.execute(
                RunnerLease.__table__.update().values(  # type: ignore[attr-defined]
                    holder=thief.holder, expires_at=datetime.now(UTC) + timedelta(hours=1)
                )
            )
        code = running.process.wait(timeout=60)
    finally:
        running.stop(signal.SIGKILL)
    assert code == 1, running.output
    [lost] = running.matching("nombot: error: lost the scheduler lease")
    assert "elsewhere.example.org:1:0badc0de holds it until" in lost, lost
    assert "stopping" in running.output
    current = thief.current()
    assert current is not None and current.holder == thief.holder  # not released by the loser
    engine.dispose()


# -- persistent jobs ----------------------------------------------------------------------


def _stored_next_run(engine: Engine, job_id: str) -> datetime | None:
    with engine.connect() as connection:
        value = connection.execute(
            text(f"SELECT next_run_time FROM {JOBS_TABLE} WHERE id = :id"), {"id": job_id}
        ).scalar()
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _store_digest_job(bot: Bot, due: datetime) -> None:
    """What a runner that stopped before ``due`` left in the job store."""
    scheduler = build_scheduler(load_config(bot.config))
    scheduler.start(paused=True)
    try:
        scheduler.add_job(
            run_job,
            CronTrigger(hour=due.hour, minute=due.minute, timezone=UTC),
            args=("host:1:gone", "digest"),
            id="digest",
            replace_existing=True,
            next_run_time=due,
            misfire_grace_time=DIGEST_GRACE,
        )
    finally:
        scheduler.shutdown()


@pytest.mark.parametrize("late", [timedelta(minutes=10), timedelta(hours=13)], ids=str)
def test_a_digest_due_while_down_runs_once_on_restart_within_its_grace(
    tmp_path, database_url, rules_dir, late
):
    due = (datetime.now(UTC) - late).replace(second=0, microsecond=0)
    digest = {"to": ["secretariat@cbd.int"], "at": f"{due:%H:%M}", "timezone": "UTC"}
    bot = scheduler_bot(
        tmp_path / "bot", tmp_path / "inbox", database_url, rules_dir, digest=digest
    )
    bot.run("db", "upgrade")
    _store_digest_job(bot, due)
    engine = create_engine(load_config(bot.config).database_url)
    running = Running(bot)
    try:
        running.wait_for("nombot running")
        wait_until(
            lambda: (_stored_next_run(engine, "digest") or due) > datetime.now(UTC),
            60,
            "the missed digest to be handled",
        )
        if late < timedelta(seconds=DIGEST_GRACE):
            wait_until(bot.outbox, 30, "the digest mail")
        else:
            running.wait_for("was missed by")
        time.sleep(1.5)  # room for a second run, were there one
    finally:
        assert running.stop() == 0, running.output
    next_run = _stored_next_run(engine, "digest")
    assert next_run is not None and next_run - due == timedelta(days=1)
    digests = [m for m in bot.outbox() if m["Message-ID"].startswith("<digest-")]
    ran = running.matching("digest of ")
    if late < timedelta(seconds=DIGEST_GRACE):
        assert len(digests) == 1 and len(ran) == 1, running.output
        assert "queued" in ran[0]
    else:
        assert digests == [] and ran == [], running.output
    # The job store is APScheduler's own table, unknown to the models and the migrations.
    assert JOBS_TABLE in inspect(engine).get_table_names()
    assert JOBS_TABLE not in SQLModel.metadata.tables
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": False,
                "include_name": managed_by_migrations,  # the migrations' own filter
            },
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()
