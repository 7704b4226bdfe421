"""The outbox against a real SMTP server: deferrals, refusals, outages, SMTPUTF8."""

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.config import load_config
from bot.notify.outbox.flush import _note_outage, flush_outbox
from bot.notify.outbox.queue import enqueue
from bot.notify.writer import MailWriter
from bot.store.db import open_database
from bot.store.models import OutboxMail
from tests.conftest import ROOT, write_config
from tests.support.dovecot import free_port
from tests.support.smtp import SmtpCapture

WRITER = MailWriter(ROOT / "templates", "nominations@cbd.int", None, "cbd.int")
EVENT = {
    "name": "Online Forum",
    "slug": "cb-forum-2025",
    "starts": date(2025, 7, 14),
    "ends": date(2025, 7, 18),
    "timezone": "UTC",
    "references": [],
    "deadline": datetime(2025, 7, 12, tzinfo=UTC),
}


def _setup(tmp_path: Path, database_url: str, port: int, max_attempts: int = 3):
    config = load_config(
        write_config(
            tmp_path / "config.toml",
            {
                "outbox": {
                    "url": f"smtp://127.0.0.1:{port}",
                    "from": "nominations@cbd.int",
                    "max_attempts": max_attempts,
                    "timeout": 5,
                },
                "database": {"url": database_url},
            },
        )
    )
    return config, open_database(database_url)


def _queue(engine, *addresses: str) -> None:
    with Session(engine) as session:
        for address in addresses:
            enqueue(
                session,
                WRITER,
                to=address,
                to_name=None,
                template="participant_registered",
                languages=("en",),
                context={
                    "event": EVENT,
                    "nominator": "A focal point",
                    "participant": {"name": None, "email": address},
                },
            )
        session.commit()


def _rows(engine) -> dict[str, OutboxMail]:
    with Session(engine) as session:
        return {r.to_email: r for r in session.exec(select(OutboxMail)).all()}


def test_a_recipient_deferred_counts_attempts_the_others_go(tmp_path, database_url):
    smtp = SmtpCapture(refuse={"full@example.org": "452 4.2.2 Mailbox full"}).start()
    try:
        config, engine = _setup(tmp_path, database_url, smtp.port, max_attempts=3)
        _queue(engine, "full@example.org", "ok@example.org")
        for _ in range(3):
            flush_outbox(engine, config, ignore_backoff=True)
        rows = _rows(engine)
        assert rows["ok@example.org"].status == "sent"
        assert (rows["full@example.org"].status, rows["full@example.org"].attempts) == ("failed", 3)
        assert [m.recipients for m in smtp.messages] == [["ok@example.org"]]
    finally:
        smtp.stop()


def test_an_outage_costs_no_attempt_however_long(tmp_path, database_url):
    config, engine = _setup(tmp_path, database_url, free_port(), max_attempts=2)
    _queue(engine, "jane@example.org")
    for _ in range(5):
        report = flush_outbox(engine, config, ignore_backoff=True)
        assert report.deferred == 1 and "cannot reach" in report.error
    row = _rows(engine)["jane@example.org"]
    assert (row.status, row.attempts) == ("queued", 0) and "cannot reach" in row.last_error


def test_an_outage_never_rewrites_mail_another_flush_has_sent(tmp_path, database_url):
    _, engine = _setup(tmp_path, database_url, free_port())
    _queue(engine, "jane@example.org")
    stale = list(_rows(engine).values())  # what a second flush read before the first sent it
    with Session(engine) as session:
        row = session.exec(select(OutboxMail)).one()
        row.status, row.sent_at = "sent", datetime.now(UTC)
        session.add(row)
        session.commit()
    _note_outage(engine, stale, "421 too many connections")
    assert _rows(engine)["jane@example.org"].status == "sent"


def test_non_ascii_addresses_use_smtputf8_or_fail_cleanly(tmp_path, database_url):
    for smtputf8, expected in ((True, "sent"), (False, "failed")):
        smtp = SmtpCapture(smtputf8=smtputf8).start()
        try:
            folder = tmp_path / str(smtputf8)
            folder.mkdir()
            url = (
                f"sqlite:///{folder / 'db.sqlite'}"
                if database_url.startswith("sqlite")
                else database_url
            )
            config, engine = _setup(folder, url, smtp.port)
            _queue(engine, "josé@medioambiente.gob.mx", "ok@example.org")
            flush_outbox(engine, config)
            rows = _rows(engine)
            assert rows["josé@medioambiente.gob.mx"].status == expected
            assert rows["ok@example.org"].status == "sent"  # the batch goes on
            if smtputf8:
                [utf8] = smtp.to("josé@medioambiente.gob.mx")
                assert "josé@medioambiente.gob.mx" in str(utf8.message["To"])
            with Session(engine) as session:
                for row in session.exec(select(OutboxMail)).all():
                    session.delete(row)
                session.commit()
        finally:
            smtp.stop()
