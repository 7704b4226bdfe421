"""Access dispatch to 50 participants survives SIGKILL: each gets exactly one mail.

What this proves, with real ``nombot run`` processes, a real SMTP server (aiosmtpd in
this process) and SQLite or PostgreSQL, no mocks:

- 50 confirmed participants and an event whose ``[access] publish_at`` has passed: the
  runner's access job publishes and queues, the outbox sends; the capture ends up with
  exactly 50 mails, one per participant, each addressed to that participant alone and
  carrying an ``.ics`` that icalendar parses into the forum's sessions in
  America/Toronto (with the VTIMEZONE) and the participant's stable UIDs;
- the runner is killed with SIGKILL at several moments and restarted each time: just
  after it starts (the queueing transaction is then all or nothing), in the first SMTP
  transaction, and twice mid-way through the 50; after the last restart each
  participant still has exactly one mail — none lost with the killed process's claim,
  none sent twice;
- running the access job again (and publishing again) afterwards queues and sends none;
- what a restart gives back is only the claims of killed processes of this host: a live
  process's claim, or another host's, is left to the outbox's own stale-claim delay.

The kills mid-sending happen while the mail server holds its answer to a DATA command
(so the mail in flight is not accepted, and the killed client's claim on it must be
given back) and only once every mail the server accepted is recorded as sent. The one
moment left out is the instant between a server's "250" and the client's commit: a kill
there makes the mail go out again on restart, which SMTP cannot avoid (RFC 1047).
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.access.calendar import event_uid
from bot.access.dispatch import dispatch_access
from bot.app import build_services
from bot.config import load_config
from bot.notify.outbox.flush import requeue_dead_claims
from bot.store.db import open_database
from bot.store.models import Event as EventRow
from bot.store.models import OutboxMail, Participant
from bot.vocab import MailStatus, ParticipantStatus, Template
from tests.access.conftest import EVENT_URL, SLUG, add_access
from tests.conftest import ROOT, Bot, bot_env, write_config
from tests.support.dovecot import free_port
from tests.support.smtp import Captured
from tests.support.waiting import wait_until
from tests.test_scheduler import Running

PARTICIPANTS = 50
TORONTO = ZoneInfo("America/Toronto")
# Kill points mid-sending: how many mails the server has accepted when it holds the next.
HOLD_AFTER = (0, 17, 36)


class GatedHandler:
    """Keeps every mail it accepts; once ``hold_after`` are kept, holds each further DATA
    unanswered until told to refuse what it holds (451: not accepted, not kept)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[Captured] = []
        self.hold_after: int | None = None
        self.holding = 0  # DATA commands waiting for an answer
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        waiting = False
        try:
            while True:
                with self.lock:
                    if self.refusing:
                        return "451 4.3.0 Not accepted, try again later"
                    if self.hold_after is None or len(self.messages) < self.hold_after:
                        data = envelope.original_content or envelope.content
                        self.messages.append(
                            Captured(envelope.mail_from, list(envelope.rcpt_tos), data)
                        )
                        return "250 Message accepted for delivery"
                    if not waiting:
                        waiting = True
                        self.holding += 1
                await asyncio.sleep(0.02)
        finally:
            if waiting:
                with self.lock:
                    self.holding -= 1


class GatedCapture:
    """An aiosmtpd server on loopback whose acceptance of mail the test controls."""

    def __init__(self) -> None:
        self.handler = GatedHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "GatedCapture":
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.open()
        self.controller.stop()

    @property
    def messages(self) -> list[Captured]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def holding(self) -> int:
        with self.handler.lock:
            return self.handler.holding

    def hold_after(self, accepted: int | None) -> None:
        with self.handler.lock:
            self.handler.hold_after = accepted

    def refuse_held(self) -> None:
        """Answer every held DATA with 451 (its client is gone) and wait until none is."""
        with self.handler.lock:
            self.handler.refusing = True
        wait_until(lambda: self.holding == 0, 30, "the held DATA commands to be refused")
        with self.handler.lock:
            self.handler.refusing = False

    def open(self) -> None:
        self.hold_after(None)
        self.refuse_held()


def addresses() -> list[str]:
    return [f"participant{n:02d}@ministry{n % 7}.example.org" for n in range(1, PARTICIPANTS + 1)]


def add_participants(database_url: str) -> None:
    engine = open_database(database_url)  # migrated as ``nombot`` does
    try:
        with Session(engine) as session:
            for number, address in enumerate(addresses(), start=1):
                session.add(
                    Participant(
                        event_slug=SLUG,
                        email=address,
                        name=f"Participant Nº {number:02d}",
                        status=ParticipantStatus.CONFIRMED,
                        source="test",
                    )
                )
            session.commit()
    finally:
        engine.dispose()


def access_bot(tmp_path: Path, database_url: str, rules_dir: Path, smtp_port: int) -> Bot:
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}", "poll_interval": 600},
            "outbox": {
                "url": f"smtp://127.0.0.1:{smtp_port}",
                "from": "CBD Secretariat <nominations@cbd.int>",
                "reply_to": "secretariat@cbd.int",
                "flush_interval": 1,
                "max_per_minute": 1000,
            },
            "database": {"url": database_url},
            "policy": {"secretariat_domains": ["cbd.int"]},
            "run": {"lease_seconds": 3},
        },
    )
    return Bot(config, bot_env())


class Outbox:
    """The access rows of the bot's database, as the test sees them between kills."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def counts(self) -> Counter:
        with Session(self.engine) as session:
            rows = session.exec(
                select(OutboxMail.status, func.count())
                .where(OutboxMail.template == Template.ACCESS)
                .group_by(OutboxMail.status)
            ).all()
        return Counter({status: count for status, count in rows})

    def sent(self) -> int:
        return self.counts()[MailStatus.SENT]

    def published(self) -> datetime | None:
        with Session(self.engine) as session:
            return session.exec(
                select(EventRow.access_published_at).where(EventRow.slug == SLUG)
            ).first()

    def with_access(self) -> int:
        with Session(self.engine) as session:
            return session.exec(
                select(func.count())
                .select_from(Participant)
                .where(Participant.access_sent_at.is_not(None))
            ).one()


def kill(running: Running) -> None:
    assert running.stop(signal.SIGKILL) == -signal.SIGKILL, running.output


def check_invitation(captured: Captured) -> str:
    """The one recipient of a captured access mail, after checking the mail and its .ics."""
    [recipient] = captured.recipients
    message = captured.message
    assert message["To"].addresses[0].addr_spec == recipient
    assert len(message["To"].addresses) == 1 and message["Cc"] is None
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == f"{SLUG}.ics" and part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Toronto"]
    first, second = calendar.walk("VEVENT")
    assert first["DTSTART"].params["TZID"] == "America/Toronto"
    assert first.decoded("DTSTART") == datetime(2025, 7, 14, 9, 0, tzinfo=TORONTO)
    assert first.decoded("DTSTART").astimezone(UTC) == datetime(2025, 7, 14, 13, 0, tzinfo=UTC)
    assert first.decoded("DTEND") == datetime(2025, 7, 14, 12, 0, tzinfo=TORONTO)
    assert second.decoded("DTSTART") == datetime(2025, 7, 15, 21, 0, tzinfo=TORONTO)
    assert second.decoded("DTEND").astimezone(UTC) == datetime(2025, 7, 16, 3, 30, tzinfo=UTC)
    for index, vevent in enumerate((first, second)):
        assert str(vevent["UID"]) == event_uid(SLUG, index, recipient)
        assert str(vevent["ATTENDEE"]) == f"mailto:{recipient}"
        assert str(vevent["LOCATION"]) == EVENT_URL
    return recipient


def test_fifty_participants_get_one_access_mail_each_across_sigkills(
    tmp_path, database_url, rules_dir
):
    add_access(rules_dir, publish_at="2025-07-01T09:00:00")  # passed: the job publishes
    add_participants(database_url)
    engine = open_database(database_url)
    outbox = Outbox(engine)
    with GatedCapture() as smtp:
        bot = access_bot(tmp_path, database_url, rules_dir, smtp.port)

        # 1. Killed as soon as it runs its jobs: the access job publishes and queues all 50
        #    in one transaction, so the kill leaves all of it or none.
        smtp.hold_after(0)
        running = Running(bot)
        running.wait_for("nombot running")
        kill(running)
        queued, published = sum(outbox.counts().values()), outbox.published()
        with_access = outbox.with_access()
        assert (queued, published is not None, with_access) in (
            (0, False, 0),
            (PARTICIPANTS, True, PARTICIPANTS),
        ), running.output
        smtp.refuse_held()

        # 2. Killed mid-sending, each time with the next mail's DATA unanswered and every
        #    accepted mail recorded as sent.
        for accepted in HOLD_AFTER:
            smtp.hold_after(accepted)
            running = Running(bot)
            wait_until(
                lambda: smtp.holding,  # noqa: B023
                60,
                f"the mail after {accepted} accepted",
                lambda: running.output,  # noqa: B023
            )
            wait_until(
                lambda: outbox.sent() == accepted,  # noqa: B023
                30,
                f"the {accepted} accepted mail(s) to be recorded as sent",
            )
            kill(running)
            assert len(smtp.messages) == accepted
            smtp.refuse_held()

        # 3. The last restart sends the rest.
        smtp.open()
        running = Running(bot)
        try:
            wait_until(
                lambda: outbox.counts() == Counter({MailStatus.SENT: PARTICIPANTS}),
                60,
                "every access mail to be recorded as sent",
                lambda: f"outbox rows {dict(outbox.counts())}, {len(smtp.messages)} captured",
            )
        finally:
            assert running.stop() == 0, running.output

        captured = smtp.messages
        recipients = Counter(check_invitation(c) for c in captured)
        assert recipients == Counter(addresses()), running.output  # each exactly once
        assert outbox.with_access() == PARTICIPANTS

        # 4. The job again, and publishing again: nothing more is queued or sent.
        services = build_services(load_config(bot.config))
        try:
            report = dispatch_access(services)
        finally:
            services.engine.dispose()
        assert report.errors == {} and report.queued == 0
        [settled] = report.events
        assert not settled.newly_published and settled.access == []
        again = bot.run("access", "publish", SLUG).stdout
        assert "already published" in again and "0 access mail(s) queued" in again
        assert "sent 0 mail(s)" in bot.run("poll").stdout
        assert len(smtp.messages) == PARTICIPANTS
    assert outbox.counts() == Counter({MailStatus.SENT: PARTICIPANTS})
    engine.dispose()


def test_a_restart_gives_back_only_the_claims_of_killed_processes_of_this_host(database_url):
    host = socket.gethostname()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    claims = {
        "killed": f"{host}:{gone.pid}",
        "alive": f"{host}:{alive.pid}",
        "this process": f"{host}:{os.getpid()}",
        "another host": "elsewhere.example.org:1",
    }
    engine = open_database(database_url)
    try:
        claimed_at = datetime.now(UTC)
        with Session(engine) as session:
            for who, worker in claims.items():
                session.add(
                    OutboxMail(
                        template=Template.ACCESS,
                        to_email=f"{who.replace(' ', '.')}@example.org",
                        subject=who,
                        message_id=f"<{who.replace(' ', '.')}@test>",
                        data=b"Subject: x\r\n\r\nx\r\n",
                        status=MailStatus.SENDING,
                        claimed_by=worker,
                        claimed_at=claimed_at,
                    )
                )
            session.commit()

        assert requeue_dead_claims(engine) == 1
        assert requeue_dead_claims(engine) == 0  # nothing left to give back
        with Session(engine) as session:
            rows = {row.subject: row for row in session.exec(select(OutboxMail)).all()}
        assert rows["killed"].status == MailStatus.QUEUED
        assert rows["killed"].claimed_by is None and rows["killed"].claimed_at is None
        for who in ("alive", "this process", "another host"):
            assert (rows[who].status, rows[who].claimed_by) == (MailStatus.SENDING, claims[who])
    finally:
        alive.kill()
        alive.wait()
        engine.dispose()
