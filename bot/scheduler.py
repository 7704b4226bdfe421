"""``nombot run``: APScheduler drives ingestion (IDLE or polling) and the outbox.

Ingestion runs every ``inbox.poll_interval`` seconds and at once when the IMAP IDLE
watcher hears of new mail; the outbox is flushed after each ingestion and every
``outbox.flush_interval`` seconds. SIGTERM or Ctrl-C stops the jobs cleanly: a running
message finishes its transaction first.
"""

import logging
import signal
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.app import Services
from bot.errors import UserError
from bot.inbox import start_watcher
from bot.notify.outbox.flush import flush_outbox
from bot.processing.ingest import ingest_once

log = logging.getLogger(__name__)


class Runner:
    """The long-running bot: one scheduler, one optional IDLE watcher, one stop switch."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stop = threading.Event()
        self.new_mail = threading.Event()
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )

    def ingest(self) -> None:
        while not self.stop.is_set():
            self.new_mail.clear()
            try:
                report = ingest_once(self.services)
                if report.fetched:
                    log.info("ingested %d message(s): %s", report.fetched, dict(report.outcomes))
            except UserError as exc:
                log.warning(
                    "ingestion: %s; next attempt in %d s",
                    exc,
                    self.services.config.inbox.poll_interval,
                )
                return
            except Exception:
                log.exception("ingestion failed; next attempt at the next poll")
                return
            self.flush()
            if not self.new_mail.is_set():
                return

    def flush(self, ignore_backoff: bool = False) -> None:
        try:
            report = flush_outbox(self.services.engine, self.services.config, ignore_backoff)
            if report.sent or report.failed:
                log.info(
                    "outbox: %d sent, %d deferred, %d failed",
                    report.sent,
                    report.deferred,
                    report.failed,
                )
        except Exception:
            log.exception("outbox flush failed; retrying later")

    def send_digest(self) -> None:
        from bot.staff.digest import build_digest, queue_digest

        try:
            if queue_digest(self.services, build_digest(self.services)):
                log.info("digest queued")
            self.flush()
        except Exception:
            log.exception("digest failed; it will be tried again tomorrow")

    def wake(self) -> None:
        """Called by the IDLE watcher: run ingestion now."""
        self.new_mail.set()
        job = self.scheduler.get_job("ingest")
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC))

    def run(self) -> None:
        config = self.services.config
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: self.stop.set())
        self.flush(ignore_backoff=True)  # a restart resumes the outbox at once
        now = datetime.now(UTC)
        self.scheduler.add_job(
            self.ingest,
            "interval",
            seconds=config.inbox.poll_interval,
            id="ingest",
            next_run_time=now,
        )
        self.scheduler.add_job(
            self.flush, "interval", seconds=config.outbox.flush_interval, id="flush"
        )
        if config.digest.to:
            hour, minute = (int(part) for part in config.digest.at.split(":", 1))
            self.scheduler.add_job(
                self.send_digest,
                CronTrigger(hour=hour, minute=minute, timezone=config.digest.timezone),
                id="digest",
                misfire_grace_time=6 * 3600,
            )
        self.scheduler.start()
        watcher = start_watcher(config, self.wake, self.stop)
        if config.inbox.authserv_id is None:
            log.warning(
                "inbox.authserv_id is not set: no Authentication-Results header is trusted, "
                "so every sender counts as unverified"
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
        self.scheduler.shutdown(wait=True)
