"""``nombot run``: APScheduler drives ingestion (IDLE or polling), the outbox and the digest.

The last stage of the pipeline's driving side: one process per database is the job
runner, chosen by the ``scheduler`` lease (bot.store.lease). A second ``nombot run``
logs who holds the lease and until when, then waits for it, exits, or shares the
holder's ingestion and outbox as a second worker (``[run] when_leased``). The holder
keeps its jobs in a persistent ``SQLAlchemyJobStore`` (table ``apscheduler_jobs`` in
the bot's own database, created by APScheduler, not by the migrations), so a daily
digest that fell due while no process was running is sent once on restart if it is
less than ``DIGEST_GRACE`` late (bot.jobs.specs).

Jobs (explicit ids, replaced at every start, coalesced, one instance at a time):

- ``ingest`` every ``inbox.poll_interval`` s, first at start, and at once when the IMAP
  IDLE watcher hears of new mail; the outbox is flushed after each ingestion;
- ``flush`` every ``outbox.flush_interval`` s (plus one flush at start that ignores the
  retry back-off: a restart resumes the outbox at once, the mails a killed process of
  this host had claimed included);
- ``digest`` daily at ``digest.at`` in ``digest.timezone`` when ``digest.to`` is set;
- ``access`` each minute, ``reminders`` every quarter of an hour, ``purge`` every six
  hours, ``directory`` every ``directory.refresh_hours`` when a refresh URL is set
  (``bot.access.dispatch`` and ``bot.jobs``: each safe to run at any time).

The job store pickles jobs, so every job is the module-level :func:`run_job` with two
strings: the id of the Runner (looked up in this process's registry) and the task.
SIGTERM or Ctrl-C stops the jobs cleanly (a running message finishes its transaction
first) and releases the lease; a holder that loses its lease stops its jobs and exits
non-zero.
"""

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy.exc import SQLAlchemyError

from bot.app import Services
from bot.config import Config
from bot.errors import StorageError, UserError, database_error
from bot.inbox import start_watcher
from bot.jobs.specs import SHARED, JobSpec, job_specs
from bot.notify.outbox.flush import flush_outbox, requeue_dead_claims
from bot.outages import JobStoreErrors, Outages
from bot.processing.ingest import ingest_once
from bot.store.db import make_engine
from bot.store.lease import (
    SCHEDULER_LEASE,
    Lease,
    LeaseHeld,
    LeaseKeeper,
    LeaseLost,
)
from bot.store.models import JOBS_TABLE

log = logging.getLogger(__name__)
# The services whose outages are logged once each (bot.outages).
INBOX, OUTGOING, DATABASE = "inbox", "outgoing mail server", "database"

# The Runners of this process by id: what a stored job, which can only name one, runs on.
_RUNNERS: dict[str, "Runner"] = {}
_RUNNERS_LOCK = threading.Lock()


def run_job(runner_id: str, task: str) -> None:
    """The callable every stored job names (``bot.scheduler:run_job``).

    Runs ``task`` on the Runner ``runner_id`` of this process; does nothing once that
    Runner is stopping (its lease may be gone) or when it is not running here.
    """
    with _RUNNERS_LOCK:
        runner = _RUNNERS.get(runner_id)
    if runner is None or runner.stop.is_set():
        log.debug("job %s of runner %s skipped: not running here", task, runner_id)
        return
    TASKS[task](runner)


class StoredJobScheduler(BackgroundScheduler):
    """A BackgroundScheduler that makes no pass over the jobs once shut down.

    APScheduler 3.11 wakes its thread for one last ``_process_jobs`` after ``shutdown()``
    (agronholm/apscheduler#985): a job due at that moment fails to reach the stopped
    executor, yet its next run time is advanced in the store — a persisted run lost.
    """

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def build_scheduler(config: Config) -> BackgroundScheduler:
    """A scheduler whose jobs live in the bot's database (its own engine and table)."""
    store = SQLAlchemyJobStore(engine=make_engine(config.database_url), tablename=JOBS_TABLE)
    return StoredJobScheduler(
        jobstores={"default": store},
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )


class Runner:
    """The long-running bot: one lease, one scheduler, one optional IDLE watcher, one stop."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stop = threading.Event()
        self.new_mail = threading.Event()
        self.lease = Lease(services.engine, SCHEDULER_LEASE, services.config.run.lease_seconds)
        self.id = self.lease.holder
        self.lost: str | None = None  # why the lease was lost, once it was
        self.sharing = False  # a second worker beside the job runner (when_leased = "share")
        self.scheduler = build_scheduler(services.config)
        self.outages = Outages(log)  # one log line when a server goes away, one when back

    # -- the tasks ------------------------------------------------------------------

    def ingest(self) -> None:
        retry = f"next attempt in {self.services.config.inbox.poll_interval} s"
        while not self.stop.is_set():
            self.new_mail.clear()
            try:
                report = ingest_once(self.services)
            except StorageError as exc:
                self.outages.failed(DATABASE, exc, retry)
                return
            except UserError as exc:
                self.outages.failed(INBOX, exc, retry)
                return
            except Exception:
                log.exception("ingestion failed; next attempt at the next poll")
                return
            self.outages.recovered(DATABASE)
            self.outages.recovered(INBOX)
            if report.fetched:
                log.info("ingested %d message(s): %s", report.fetched, dict(report.outcomes))
            self.flush()
            if not self.new_mail.is_set():
                return

    def flush(self, ignore_backoff: bool = False) -> None:
        try:
            report = flush_outbox(
                self.services.engine, self.services.config, ignore_backoff, log_outage=False
            )
        except SQLAlchemyError as exc:
            self.outages.failed(DATABASE, database_error(exc))
            return
        except Exception:
            log.exception("outbox flush failed; retrying later")
            return
        self.outages.recovered(DATABASE)
        if report.unreachable:
            self.outages.failed(OUTGOING, report.unreachable, "mail waits in the outbox")
        elif report.connected:
            self.outages.recovered(OUTGOING)
        if report.sent or report.failed:
            log.info(
                "outbox: %d sent, %d deferred, %d failed",
                report.sent,
                report.deferred,
                report.failed,
            )

    def send_digest(self) -> None:
        from bot.staff.digest import build_digest, queue_digest

        try:
            digest = build_digest(self.services)
            if queue_digest(self.services, digest):
                log.info("digest of %s queued", digest.day)
            else:
                log.info("digest of %s: already queued, not again", digest.day)
            self.flush()
        except Exception:
            log.exception("digest failed; it will be tried again tomorrow")

    def _housekeeping(self, name: str, work: Callable[[], object], queued=lambda _: 0) -> None:
        """Run one housekeeping job; ``queued`` counts the mails its result queued."""
        try:
            if queued(work()):
                self.flush()
        except Exception:
            log.exception("%s failed; tried again at the next run", name)

    def dispatch_access(self) -> None:
        from bot.access.dispatch import dispatch_access

        self._housekeeping(
            "access dispatch", lambda: dispatch_access(self.services), lambda r: r.queued
        )

    def send_reminders(self) -> None:
        from bot.jobs.reminders import send_reminders

        self._housekeeping("reminders", lambda: send_reminders(self.services), lambda r: r.mails)

    def purge(self) -> None:
        from bot.jobs.retention import purge

        self._housekeeping("retention purge", lambda: purge(self.services))

    def refresh_directory(self) -> None:
        from bot.jobs.refresh import refresh_directory

        self._housekeeping("directory refresh", lambda: refresh_directory(self.services))

    def wake(self) -> None:
        """Called by the IDLE watcher: run ingestion now."""
        self.new_mail.set()
        try:
            job = self.scheduler.get_job("ingest")
            if job is not None:
                job.modify(next_run_time=datetime.now(UTC))
        except SQLAlchemyError as exc:  # the job store is in the database
            retry = "the new mail is read at the next poll"
            self.outages.failed(DATABASE, database_error(exc), retry)

    # -- the lease --------------------------------------------------------------------

    def wait_for_lease(self) -> bool:
        """Take the lease; while another process holds it, wait or raise LeaseHeld.

        Returns False when told to stop before the lease was ours.
        """
        settings = self.services.config.run
        poll = max(0.5, min(5.0, settings.lease_seconds / 3))
        announced: str | None = None
        while not self.stop.is_set():
            try:
                if self.lease.acquire():
                    return True
                current = self.lease.current()
            except SQLAlchemyError as exc:
                raise StorageError(database_error(exc)) from None
            if current is not None and settings.when_leased == "share":
                log.info("%s; sharing its ingestion and outbox (run.when_leased = \"share\")",
                         current.describe())  # fmt: skip
                self.sharing = True
                return False
            if current is not None and settings.when_leased == "exit":
                raise LeaseHeld(
                    f"{current.describe()}; not starting a second job runner "
                    '(run.when_leased = "exit")'
                )
            if current is not None and current.holder != announced:
                log.warning('%s; waiting for it (run.when_leased = "wait")', current.describe())
                announced = current.holder
            self.stop.wait(poll if current is not None else 0.1)
        return False

    def _lease_lost(self, reason: str) -> None:
        """Called by the LeaseKeeper: stop running jobs before anyone else may take over."""
        self.lost = reason
        log.error("lost the scheduler lease: %s; stopping the jobs", reason)
        with contextlib.suppress(Exception):  # not started yet, or already shut down
            self.scheduler.pause()
        self.stop.set()

    def _release(self) -> None:
        try:
            self.lease.release()
        except Exception as exc:
            log.warning("could not release the scheduler lease (%s); it expires by itself", exc)

    # -- running ----------------------------------------------------------------------

    def run(self) -> None:
        """Wait for the lease, run the jobs until stopped, give the lease back."""
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_: self.stop.set())
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        store_errors = JobStoreErrors(self.outages, DATABASE)
        logging.getLogger("apscheduler.scheduler").addFilter(store_errors)
        try:
            self._run_with_lease()
        finally:
            logging.getLogger("apscheduler.scheduler").removeFilter(store_errors)

    def _run_with_lease(self) -> None:
        taken = self.wait_for_lease()
        if self.sharing:
            self._share()
            return
        if not taken:
            log.info("stopped before the scheduler lease was free")
            return
        keeper = LeaseKeeper(self.lease, self._lease_lost)
        keeper.start()
        with _RUNNERS_LOCK:
            _RUNNERS[self.id] = self
        try:
            self._run_jobs()
        finally:
            with _RUNNERS_LOCK:
                _RUNNERS.pop(self.id, None)
            keeper.stop()
            if self.lost is None:
                self._release()
        if self.lost is not None:
            raise LeaseLost(f"lost the scheduler lease: {self.lost}; the jobs were stopped")

    def _share(self) -> None:
        """Work beside the job runner: ingestion and the outbox only, with jobs kept in
        memory (the stored jobs are the job runner's). Messages and mails are claimed one
        by one (bot.store.claims, the outbox's claims), so both processes share them."""
        self.scheduler = StoredJobScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        with _RUNNERS_LOCK:
            _RUNNERS[self.id] = self
        try:
            self._run_jobs([spec for spec in job_specs(self.services.config) if spec.id in SHARED])
        finally:
            with _RUNNERS_LOCK:
                _RUNNERS.pop(self.id, None)

    def _install_jobs(self, specs: list[JobSpec]) -> None:
        """Put the configured jobs in the store, keeping a missed run of a stored one.

        Runs while the scheduler is paused, so no stored job runs before it is replaced.
        """
        wanted = {spec.id for spec in specs}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                log.info("removed the stored job %r: no longer configured", job.id)
                job.remove()
        now = datetime.now(UTC)
        for spec in specs:
            options: dict[str, datetime] = {}
            stored = self.scheduler.get_job(spec.id)
            if spec.at_start:
                options["next_run_time"] = now
            elif stored is not None and stored.next_run_time and stored.next_run_time <= now:
                options["next_run_time"] = stored.next_run_time  # due while down
            self.scheduler.add_job(
                run_job,
                spec.trigger,
                args=(self.id, spec.id),
                id=spec.id,
                name=spec.id,
                replace_existing=True,
                misfire_grace_time=spec.grace,
                **options,
            )

    def _run_jobs(self, specs: list[JobSpec] | None = None) -> None:
        config = self.services.config
        if specs is None:
            specs = job_specs(config)
            log.info(
                "scheduler lease taken by %s, renewed every %.0f s",
                self.id,
                config.run.lease_seconds / 3,
            )
        try:
            requeue_dead_claims(self.services.engine)
        except SQLAlchemyError:
            log.exception("could not take back the outbox claims of killed processes")
        self.flush(ignore_backoff=True)  # a restart resumes the outbox at once
        if self.stop.is_set():
            return
        self.scheduler.start(paused=True)
        try:
            self._install_jobs(specs)
            self.scheduler.resume()
            watcher = start_watcher(config, self.wake, self.stop, self.outages, INBOX)
            if config.inbox.authserv_id is None:
                log.warning(
                    "inbox.authserv_id is not set: no Authentication-Results header is "
                    "trusted, so every sender counts as unverified"
                )
            log.info(
                "nombot running: inbox %s, polling every %d s%s",
                config.inbox.url,
                config.inbox.poll_interval,
                " with IDLE" if watcher else "",
            )
            while not self.stop.wait(1.0):
                pass
            log.info("stopping")
        finally:
            self.scheduler.shutdown(wait=True)


TASKS: dict[str, Callable[[Runner], None]] = {
    "ingest": Runner.ingest,
    "flush": Runner.flush,
    "digest": Runner.send_digest,
    "access": Runner.dispatch_access,
    "reminders": Runner.send_reminders,
    "purge": Runner.purge,
    "directory": Runner.refresh_directory,
}
