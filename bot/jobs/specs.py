"""The jobs ``nombot run`` schedules (bot.scheduler), and when each runs.

Ingestion and the outbox run on intervals: a late run still runs (coalesced into one),
and a restart runs them at once, so no grace is needed. The digest is daily: a missed one
is sent once if at most ``DIGEST_GRACE`` late. A worker that shares the work of the job
runner (``[run] when_leased = "share"``) runs only ``SHARED``.
"""

from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config

# Seconds between two runs of the access-instructions dispatch, of the reminders (they go
# out from their local time of day, so within this delay of it) and of the purge.
ACCESS_INTERVAL = 60
REMINDERS_INTERVAL = 900
PURGE_INTERVAL = 6 * 3600

# A morning digest missed while the bot was down still goes out the same working day;
# later than that, the next morning's digest (which lists the whole review queue) follows.
DIGEST_GRACE = 12 * 3600

# What a second worker beside the job runner does: read mail and send it.
SHARED = ("ingest", "flush")


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: its id (also its task name), when it runs, how late it may run."""

    id: str
    trigger: BaseTrigger
    grace: int | None  # seconds a run may be late and still happen; None: any delay
    at_start: bool = False  # run once as soon as the runner starts


def job_specs(config: Config) -> list[JobSpec]:
    """The jobs ``config`` asks for.

    Ingestion and the outbox run on intervals: a late run still runs (coalesced into
    one), and a restart runs them at once, so no grace is needed. The digest is daily:
    a missed one is sent once if at most ``DIGEST_GRACE`` late.
    """
    specs = [
        JobSpec(
            "ingest",
            IntervalTrigger(seconds=config.inbox.poll_interval, timezone=UTC),
            None,
            at_start=True,
        ),
        JobSpec("flush", IntervalTrigger(seconds=config.outbox.flush_interval, timezone=UTC), None),
        # Access instructions: published events' mails owed, each minute (missed runs
        # catch up by themselves, since the job queues whatever is still owed).
        JobSpec(
            "access",
            IntervalTrigger(seconds=ACCESS_INTERVAL, timezone=UTC),
            None,
            at_start=True,
        ),
    ]
    # Reminders and the purge work out themselves what is due, so a missed run is
    # simply made up by the next one.
    for name, seconds in (("reminders", REMINDERS_INTERVAL), ("purge", PURGE_INTERVAL)):
        specs.append(JobSpec(name, IntervalTrigger(seconds=seconds, timezone=UTC), None))
    if config.directory.refresh_url:
        hours = IntervalTrigger(hours=config.directory.refresh_hours, timezone=UTC)
        specs.append(JobSpec("directory", hours, None))
    if config.digest.to:
        hour, minute = (int(part) for part in config.digest.at.split(":", 1))
        zone = ZoneInfo(config.digest.timezone)
        specs.append(
            JobSpec("digest", CronTrigger(hour=hour, minute=minute, timezone=zone), DIGEST_GRACE)
        )
    return specs
