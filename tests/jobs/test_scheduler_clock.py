"""The daily digest under a controlled clock, and under two ``nombot run`` processes.

What this proves, on real databases with APScheduler's SQLAlchemyJobStore, no mocks:

- the real :class:`bot.scheduler.Runner`, run in this process with its clock controlled
  by time-machine, crosses midnight in the digest's time zone (America/Toronto, digest
  at 00:00) and sends exactly one digest, the new day's, then schedules the next for the
  following midnight and sends nothing more while the clock keeps running;
- two real ``nombot run`` processes started together on one PostgreSQL database, the
  second told to wait for the lease: only the holder runs jobs (the digest due at start,
  ingestion, the access publication, the outbox) while the other waits; when the holder
  stops, the other takes over and does the new work only: one digest in all, each
  message ingested and answered once, the access published once, each access mail once.
"""

import logging
import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy import create_engine
from sqlmodel import Session, func, select

from bot.app import build_services
from bot.config import load_config
from bot.scheduler import Runner
from bot.store.models import OutboxMail
from bot.vocab import Template
from tests.access.conftest import SLUG, add_access
from tests.conftest import DATA, Bot
from tests.support.waiting import wait_until
from tests.test_scheduler import (
    KENYA,
    SENEGAL,
    Running,
    _deliver,
    _store_digest_job,
    _stored_next_run,
    scheduler_bot,
)

TORONTO = ZoneInfo("America/Toronto")
DIGEST_TO = "secretariat@cbd.int"
JANE, PETER = "jane.mwangi@biosafetykenya.go.ke", "p.otieno@kephis.go.ke"  # Kenya's nominees
MOUSSA = "moussa.diop@anb.gouv.sn"  # Senegal's


def digests(bot: Bot) -> list:
    return [m for m in bot.outbox() if m["Message-ID"].startswith("<digest-")]


# -- the clock crosses midnight in the digest's zone ------------------------------------


def test_crossing_midnight_sends_exactly_one_digest(tmp_path, database_url, rules_dir, caplog):
    """The Runner starts with the clock frozen a little before midnight in Toronto on
    10 July (day D); once its jobs are installed the clock ticks from three seconds
    before midnight, so the scheduler itself crosses into 11 July (D+1)."""
    caplog.set_level(logging.INFO)
    digest = {"to": [DIGEST_TO], "at": "00:00", "timezone": "America/Toronto"}
    bot = scheduler_bot(
        tmp_path / "bot", tmp_path / "inbox", database_url, rules_dir, digest=digest
    )
    midnight = datetime(2025, 7, 11, 0, 0, tzinfo=TORONTO)  # 04:00 UTC
    startup = (midnight - timedelta(seconds=30)).astimezone(UTC)
    with time_machine.travel(startup, tick=False) as clock:
        services = build_services(load_config(bot.config))
        runner = Runner(services)
        thread = threading.Thread(target=runner.run, name="runner")
        thread.start()
        try:
            wait_until(
                lambda: (
                    runner.scheduler.state == STATE_RUNNING
                    and runner.scheduler.get_job("digest") is not None
                ),
                60,
                "the runner to install its jobs",
            )
            [job] = [j for j in runner.scheduler.get_jobs() if j.id == "digest"]
            assert job.next_run_time == midnight  # day D's 00:00 is past: D+1's is next
            assert digests(bot) == []

            clock.move_to((midnight - timedelta(seconds=3)).astimezone(UTC), tick=True)
            wait_until(lambda: digests(bot), 60, "the digest after midnight")
            wait_until(
                lambda: _stored_next_run(services.engine, "digest") == midnight + timedelta(days=1),
                30,
                "the next digest to be scheduled for the following midnight",
            )
            # The scheduler goes on working past midnight (the flush job runs each
            # second): several of its passes later, still one digest.
            wait_until(
                lambda: (
                    (_stored_next_run(services.engine, "flush") or midnight)
                    > midnight + timedelta(seconds=4)
                ),
                30,
                "the flush job to run on after midnight",
            )
            assert datetime.now(UTC) < midnight + timedelta(minutes=1)  # the clock is ours
        finally:
            runner.stop.set()
            thread.join(60)
    assert not thread.is_alive()

    [mail] = digests(bot)
    assert mail["Message-ID"].startswith("<digest-2025-07-11-")  # the new day's, in Toronto
    assert mail["To"].addresses[0].addr_spec == DIGEST_TO
    ran = [r.getMessage() for r in caplog.records if r.getMessage().startswith("digest of ")]
    assert ran == ["digest of 2025-07-11 queued"], ran  # once, and not retried as a duplicate
    with Session(services.engine) as session:
        rows = session.exec(
            select(func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.template == Template.DIGEST)
        ).one()
    services.engine.dispose()
    assert rows == 1
    assert runner.lost is None


# -- two `nombot run` on one PostgreSQL database ----------------------------------------

JOB_LINES = {  # what the Runner logs when a job did something
    "digest": "digest of ",
    "ingest": "ingested ",
    "access": f"access {SLUG}: ",
    "flush": "outbox: ",
}


def job_lines(running: Running) -> dict[str, list[str]]:
    return {job: running.matching(needle) for job, needle in JOB_LINES.items()}


def access_recipients(bot: Bot) -> list[str]:
    return [
        m["To"].addresses[0].addr_spec
        for m in bot.outbox()
        if any(p.get_content_type() == "text/calendar" for p in m.iter_attachments())
    ]


def replied_to(bot: Bot) -> list[str]:
    return [m["In-Reply-To"] for m in bot.outbox() if m["Auto-Submitted"] == "auto-replied"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_runs_on_one_postgresql_database_send_one_digest_and_run_each_job_once(
    tmp_path: Path, database_url: str, rules_dir: Path
):
    add_access(rules_dir, publish_at="2025-07-01T09:00:00")  # past: the access job publishes
    due = datetime.now(UTC).replace(second=0, microsecond=0)  # this minute: due at start
    digest = {"to": [DIGEST_TO], "at": f"{due:%H:%M}", "timezone": "UTC"}
    inbox = tmp_path / "inbox"
    bots = [
        scheduler_bot(
            tmp_path / name,
            inbox,
            database_url,
            rules_dir,
            digest=digest,
            run={"when_leased": "wait"},
        )
        for name in ("one", "two")
    ]
    bots[0].run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    _store_digest_job(bots[0], due)  # as a runner stopped before it left it: to run at start
    _deliver(inbox, "kenya.eml")
    engine = create_engine(load_config(bots[0].config).database_url)

    runs = [Running(bot) for bot in bots]  # started together
    try:
        wait_until(
            lambda: all(r.matching("nombot running") or r.matching("waiting for it") for r in runs),
            60,
            "one runner to take the lease and the other to wait",
        )
        [first_index] = [i for i, r in enumerate(runs) if r.matching("nombot running")]
        holder, waiter = bots[first_index], bots[1 - first_index]
        first, second = runs[first_index], runs[1 - first_index]
        assert f":{first.pid}:" in second.wait_for("waiting for it")

        first.wait_for("digest of ")
        first.wait_for("ingested 1 message(s)")
        first.wait_for(f"access {SLUG}: published")
        wait_until(lambda: digests(holder) and replied_to(holder), 60, "the holder's mail")
        wait_until(
            lambda: sorted(access_recipients(holder)) == [JANE, PETER],
            60,
            "the access mails of the two Kenyan participants",
        )
        assert not second.matching("nombot running"), second.output
        assert all(not lines for lines in job_lines(second).values()), second.output

        # New mail the holder will not poll for (poll_interval = 600); then it stops.
        _deliver(inbox, "senegal.eml")
        assert first.stop(signal.SIGTERM) == 0, first.output
        second.wait_for("nombot running")
        second.wait_for("ingested 1 message(s)")
        wait_until(lambda: replied_to(waiter), 60, "the reply from the runner that took over")
        wait_until(
            lambda: access_recipients(waiter) == [MOUSSA],
            60,
            "the access mail of the Senegalese participant",
        )
        assert _stored_next_run(engine, "digest") == due + timedelta(days=1)
    finally:
        codes = [running.stop(signal.SIGTERM) for running in runs]
        engine.dispose()
    assert codes == [0, 0], [r.output for r in runs]

    # One digest in all, sent by the holder, from a single run of the job.
    [mail] = digests(holder)
    assert digests(waiter) == []
    by_holder, by_waiter = job_lines(first), job_lines(second)
    assert len(by_holder["digest"]) == 1 and by_waiter["digest"] == [], first.output
    day = by_holder["digest"][0].rsplit("digest of ", 1)[1].removesuffix(" queued")
    assert mail["Message-ID"].startswith(f"<digest-{day}-"), by_holder["digest"]
    # The access published once; each message ingested and answered once.
    assert len(by_holder["access"]) == 1 and by_waiter["access"] == [], second.output
    assert [len(by_holder["ingest"]), len(by_waiter["ingest"])] == [1, 1]
    assert replied_to(holder) == [KENYA] and replied_to(waiter) == [SENEGAL]
    access = Counter(access_recipients(holder) + access_recipients(waiter))
    assert access == Counter([JANE, PETER, MOUSSA])
    # While the holder ran, the other did nothing but wait.
    took_over = next(i for i, line in enumerate(second.lines) if "nombot running" in line)
    before = second.lines[:took_over]
    assert not [line for line in before if any(n in line for n in JOB_LINES.values())], before
    assert len([line for line in before if "waiting for it" in line]) == 1, before
