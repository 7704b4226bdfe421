"""One log line per outage, not one per attempt.

The long-running bot (``bot.scheduler.Runner``) retries the inbox, the outgoing mail
server and the database quietly: the first failure of a service is one warning saying
what failed, the failures that follow in the same outage are debug lines, and the
service coming back is one line saying how long it was away and how many attempts
failed. The IMAP IDLE watcher (``bot.inbox.imap``) reports to the same ``Outages``
under the inbox's name, so a stopped IMAP server is one outage, however many
connections notice it.
"""

import logging
import threading
import time
from dataclasses import dataclass

from bot.errors import database_error


@dataclass
class _Outage:
    since: float  # time.monotonic() of the first failure
    attempts: int = 1


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Outages:
    """Which services are failing now, and the log lines that mark each outage."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log
        self._down: dict[str, _Outage] = {}
        self._lock = threading.Lock()

    def failed(self, service: str, error: object, retry: str = "") -> None:
        """An attempt on ``service`` failed; ``retry`` says when the next one is."""
        with self._lock:
            outage = self._down.get(service)
            if outage is None:
                self._down[service] = _Outage(time.monotonic())
            else:
                outage.attempts += 1
        then = f"; {retry}" if retry else ""
        if outage is None:
            self.log.warning(
                "%s unavailable: %s%s (logged again when it is back)", service, error, then
            )
        else:
            self.log.debug("%s still unavailable (attempt %d): %s", service, outage.attempts, error)

    def recovered(self, service: str) -> None:
        """An attempt on ``service`` succeeded: ends its outage, if it had one."""
        with self._lock:
            outage = self._down.pop(service, None)
        if outage is not None:
            away = _duration(time.monotonic() - outage.since)
            self.log.warning(
                "%s available again after %s (%d failed attempts)", service, away, outage.attempts
            )


class JobStoreErrors(logging.Filter):
    """APScheduler's own warning, each time its job store (in the bot's database) cannot
    be read, counted as an attempt of the database's outage instead of a line of its own."""

    PREFIX = "Error getting due jobs from job store"

    def __init__(self, outages: Outages, service: str) -> None:
        super().__init__()
        self.outages = outages
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.PREFIX):
            return True
        error = record.args[-1] if isinstance(record.args, tuple) and record.args else record.msg
        self.outages.failed(self.service, database_error(error))
        return False
