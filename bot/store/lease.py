"""The job-runner lease: one row of ``runner_lease`` that makes exactly one process run the jobs.

``nombot run`` (bot.scheduler) takes the lease named ``scheduler`` before it starts
APScheduler, has a :class:`LeaseKeeper` renew it every third of its duration, and
deletes it on a clean stop. A second ``nombot run`` on the same database finds it held
and waits for it or exits, as ``[run] when_leased`` says; a holder that cannot renew
its lease stops its jobs before the lease can pass to anyone else.

Every change is one conditional statement whose affected-row count says who won, so
two contenders on SQLite or PostgreSQL never both hold the lease. On PostgreSQL the
database's clock decides expiry (hosts may disagree); SQLite is always on one host.
A lease left behind by a killed process of this host (same hostname, pid gone) is
taken over at once instead of after its expiry, so a restart after a crash waits for
nothing.
"""

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, Table, delete, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bot.errors import UserError
from bot.store.models import RunnerLease

log = logging.getLogger(__name__)

SCHEDULER_LEASE = "scheduler"
_TABLE: Table = RunnerLease.__table__  # type: ignore[attr-defined]


class LeaseHeld(UserError):
    """Another process holds the lease and ``when_leased = "exit"``: status 3."""

    exit_code = 3


class LeaseLost(UserError):
    """The holder could not keep its lease and stopped its jobs."""


def holder_id() -> str:
    """``hostname:pid:random``: names the process in logs, unique even if a pid is reused."""
    return f"{socket.gethostname()[:150]}:{os.getpid()}:{secrets.token_hex(4)}"


def dead_local_holder(holder: str) -> bool:
    """True when ``holder`` names a process of this host that no longer exists.

    "This host" means the same hostname: containers that share a hostname but not a
    process table must be given distinct hostnames.
    """
    host, _, rest = holder.partition(":")
    pid_text, _, _ = rest.partition(":")
    if os.name != "posix" or host != socket.gethostname()[:150] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid in (0, os.getpid()):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists, under another user
        return False
    return False


@dataclass(frozen=True)
class LeaseInfo:
    """Who holds a lease, since when and until when (UTC)."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime

    @property
    def until(self) -> str:
        return self.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    def describe(self) -> str:
        return f"the {self.name} lease is held by {self.holder} until {self.until}"


class Lease:
    """One named lease as seen by one contender (``holder``)."""

    def __init__(
        self,
        engine: Engine,
        name: str = SCHEDULER_LEASE,
        seconds: float = 60,
        holder: str | None = None,
    ) -> None:
        if seconds <= 0:
            raise ValueError("a lease lasts a positive number of seconds")
        self.engine = engine
        self.name = name
        self.seconds = seconds
        self.holder = holder or holder_id()
        self.expires_at: datetime | None = None  # of our own lease, when we hold it

    def _now(self, connection: Connection) -> datetime:
        """The time expiry is judged by: PostgreSQL's clock, else this host's."""
        if connection.dialect.name == "postgresql":
            value = connection.execute(text("SELECT now()")).scalar_one()
            return value.astimezone(UTC)
        return datetime.now(UTC)

    def _until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.seconds)

    def acquire(self) -> bool:
        """Take the lease if it is free, expired, ours, or left by a dead process of this host."""
        with self.engine.begin() as connection:
            now = self._now(connection)
            values = {"holder": self.holder, "acquired_at": now, "expires_at": self._until(now)}
            taken = connection.execute(
                update(_TABLE)
                .where(_TABLE.c.name == self.name)
                .where(or_(_TABLE.c.expires_at < now, _TABLE.c.holder == self.holder))
                .values(**values)
            ).rowcount
            if not taken:
                taken = self._insert_if_absent(connection, values)
        if taken:
            self.expires_at = values["expires_at"]
            return True
        current = self.current()
        if current is not None and dead_local_holder(current.holder):
            return self._take_over(current)
        return False

    def _insert_if_absent(self, connection: Connection, values: dict) -> int:
        row = {"name": self.name, **values}
        dialect = connection.dialect.name
        if dialect == "postgresql":  # psycopg gives no row count here: ask for the row
            statement = postgresql_insert(_TABLE).values(**row).on_conflict_do_nothing()
            return int(connection.execute(statement.returning(_TABLE.c.name)).first() is not None)
        if dialect == "sqlite":  # the count of changed rows, on any SQLite version
            statement = sqlite_insert(_TABLE).values(**row).on_conflict_do_nothing()
            return connection.execute(statement).rowcount
        try:  # pragma: no cover - only SQLite and PostgreSQL are supported
            with connection.begin_nested():
                return connection.execute(insert(_TABLE).values(**row)).rowcount
        except IntegrityError:
            return 0

    def _take_over(self, stale: LeaseInfo) -> bool:
        """Replace exactly the holder seen dead: a contender that got there first wins."""
        with self.engine.begin() as connection:
            now = self._now(connection)
            until = self._until(now)
            taken = connection.execute(
                update(_TABLE)
                .where(_TABLE.c.name == self.name, _TABLE.c.holder == stale.holder)
                .values(holder=self.holder, acquired_at=now, expires_at=until)
            ).rowcount
        if taken:
            log.info(
                "took over the %s lease of %s, which is no longer running", self.name, stale.holder
            )
            self.expires_at = until
        return bool(taken)

    def renew(self) -> bool:
        """Extend our lease by its duration; False when it is no longer ours."""
        with self.engine.begin() as connection:
            now = self._now(connection)
            until = self._until(now)
            renewed = connection.execute(
                update(_TABLE)
                .where(_TABLE.c.name == self.name, _TABLE.c.holder == self.holder)
                .values(expires_at=until)
            ).rowcount
        if renewed:
            self.expires_at = until
        return bool(renewed)

    def release(self) -> None:
        """Give the lease up (a no-op when it is not ours)."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(_TABLE).where(_TABLE.c.name == self.name, _TABLE.c.holder == self.holder)
            )
        self.expires_at = None

    def current(self) -> LeaseInfo | None:
        """The row as it is now (possibly expired), or None when nobody holds the lease."""
        with self.engine.connect() as connection:
            row = connection.execute(select(_TABLE).where(_TABLE.c.name == self.name)).first()
        if row is None:
            return None
        return LeaseInfo(row.name, row.holder, row.acquired_at, row.expires_at)


class LeaseKeeper(threading.Thread):
    """Renews a held lease every third of its duration; calls ``on_lost`` once if it cannot.

    Lost means: the row names someone else (or is gone), or renewals have failed for two
    thirds of the duration — leaving the last third for the holder to stop its jobs
    before another process may take the lease.
    """

    def __init__(self, lease: Lease, on_lost: Callable[[str], None]) -> None:
        super().__init__(name=f"nombot-lease-{lease.name}", daemon=True)
        self.lease = lease
        self.on_lost = on_lost
        self.halt = threading.Event()

    def run(self) -> None:
        period = self.lease.seconds / 3
        last_renewal = time.monotonic()
        wait = period
        while not self.halt.wait(wait):
            try:
                renewed = self.lease.renew()
            except Exception as exc:
                if time.monotonic() - last_renewal >= 2 * period:
                    self.on_lost(f"it could not be renewed ({_first_line(exc)})")
                    return
                log.warning("could not renew the %s lease (%s); retrying", self.lease.name, exc)
                wait = max(period / 4, 0.1)
                continue
            if not renewed:
                self.on_lost(self._taken_by())
                return
            last_renewal, wait = time.monotonic(), period

    def _taken_by(self) -> str:
        try:
            current = self.lease.current()
        except Exception:
            current = None
        if current is None:
            return "its row was deleted"
        return f"{current.holder} holds it until {current.until}"

    def stop(self) -> None:
        self.halt.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()


def _first_line(exc: Exception) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
