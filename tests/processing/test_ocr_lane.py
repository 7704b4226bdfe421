"""The OCR lane: a scanned nomination is read by OCR in a thread of its own while the
cycle decides the other messages; a later message of the same sender waits behind it;
while it waits, a hold keeps the mailbox's last UID below it (a kill loses nothing)."""

import signal
import threading
from collections import Counter
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from bot.failpoints import Point
from bot.inbox import InboxMessage
from bot.inbox.deliver import deliver
from bot.processing import message as pipeline
from bot.processing.ingest import ingest_once
from bot.reading import ocr
from bot.store.claims import claim, give_back
from bot.store.mailboxes import (
    advance,
    forget_failure,
    forget_vanished,
    hold_for_ocr,
    mailbox_state,
)
from bot.store.models import InboundMessage, MessageFailure, Participant
from bot.vocab import Flag
from tests.conftest import DATA
from tests.processing.support import maildir_services
from tests.processing.test_kill_pipeline import _bot, _caught_up, _kill_round, _state
from tests.support.waiting import wait_until

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
KENYA = "s.kiprono@environment.go.ke"
MEXICO = "aruiz@semarnat.gob.mx"
SCANNED = ["ana.ruiz@inia.gob.pe", "rquispe@minam.gob.pe", "jsalazar@senasa.gob.pe"]


def scanned_nomination() -> bytes:
    message = EmailMessage()
    message["From"] = f"Samuel Kiprono <{KENYA}>"
    message["To"] = "secretariat@cbd.int"
    message["Subject"] = "Nomination - Online Forum on Capacity-building for Biosafety"
    message["Date"] = "Tue, 8 Jul 2025 15:00:00 +0300"
    message["Message-ID"] = "<scanned-kenya@mail.environment.go.ke>"
    message.set_content("Dear Secretariat,\n\nPlease find our nominations in the signed letter.\n")
    pdf = (DATA / "attachments" / "scanned-letter.pdf").read_bytes()
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="letter.pdf")
    return message.as_bytes()


needs_ocr = pytest.mark.skipif(
    not ocr.can_render_pdf(), reason="tesseract or pdftoppm not installed"
)


@needs_ocr
def test_a_scan_is_read_apart_and_its_senders_next_message_waits_behind_it(
    tmp_path, database_url, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    deliver(services.config, scanned_nomination(), ON_TIME)
    deliver(services.config, (DATA / "e2e" / "kenya.eml").read_bytes(), ON_TIME)
    deliver(services.config, (DATA / "e2e" / "mexico.eml").read_bytes(), ON_TIME)

    report = ingest_once(services)

    assert report.fetched == 3 and report.moved == 3
    with Session(services.engine) as session:
        decided = session.exec(select(InboundMessage).order_by(InboundMessage.id)).all()
        order = [(row.from_email, row.message_id) for row in decided]
        read_by_ocr = session.exec(select(Participant).where(Participant.email.in_(SCANNED))).all()
        holds = session.exec(select(MessageFailure)).all()
    # Mexico's was decided while the scan was being read; Kenya's second came after it.
    assert order == [
        (MEXICO, "<e2e-mexico-1@semarnat.gob.mx>"),
        (KENYA, "<scanned-kenya@mail.environment.go.ke>"),
        (KENYA, "<e2e-kenya-1@mail.environment.go.ke>"),
    ]
    assert sorted(p.email for p in read_by_ocr) == sorted(SCANNED)
    assert all(Flag.NEEDS_REVIEW in p.flags for p in read_by_ocr)
    assert holds == []


def test_a_message_held_for_ocr_keeps_the_last_uid_below_it(
    tmp_path, database_url, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    engine = services.engine

    def message(uid: int) -> InboxMessage:
        return InboxMessage(f"7:{uid}", b"", 0, ON_TIME, uid=uid, uidvalidity=7)

    def last_uid() -> int:
        return mailbox_state(engine, "inbox").last_uid

    mailbox_state(engine, "inbox")
    hold_for_ocr(engine, "inbox", message(5), "key-5")
    hold_for_ocr(engine, "inbox", message(5), "key-5")  # taken again: still one hold
    with Session(engine) as session:
        advance(session, "inbox", message(6))  # the cycle goes on past it
        session.commit()
    assert last_uid() == 4  # a kill now: UID 5 is fetched again on restart
    with Session(engine) as session:
        assert len(session.exec(select(MessageFailure)).all()) == 1
        forget_failure(session, "inbox", "key-5")  # its decision, in the lane
        advance(session, "inbox", message(5))
        session.commit()
    assert last_uid() == 5


@needs_ocr
def test_a_failure_in_the_lane_is_counted_and_the_scan_tried_again(
    monkeypatch, tmp_path, database_url, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    read = pipeline.read_mail

    def crash_in_the_lane(mail, *args, **kwargs):
        if threading.current_thread().name.startswith("ocr-lane") and "scanned" in (
            mail.message_id or ""
        ):
            raise RuntimeError("the reader crashed")
        return read(mail, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_mail", crash_in_the_lane)
    deliver(services.config, scanned_nomination(), ON_TIME)
    deliver(services.config, (DATA / "e2e" / "kenya.eml").read_bytes(), ON_TIME)

    first = ingest_once(services)

    assert dict(first.outcomes) == {"retrying": 1, "accepted": 1}
    with Session(services.engine) as session:
        [failure] = session.exec(select(MessageFailure)).all()
    assert (failure.attempts, failure.last_error) == (1, "RuntimeError: the reader crashed")

    monkeypatch.setattr(pipeline, "read_mail", read)
    second = ingest_once(services)

    assert dict(second.outcomes) == {"accepted": 1}
    with Session(services.engine) as session:
        assert session.exec(select(MessageFailure)).all() == []
        assert len(session.exec(select(InboundMessage)).all()) == 2


def test_a_hold_of_another_workers_message_is_not_forgotten_as_vanished(
    tmp_path, database_url, rules_dir, writer
):
    """A second worker does not fetch the first one's claimed messages: not seen by it,
    they are still in the mailbox, and their holds must stay."""
    engine = maildir_services(tmp_path, database_url, rules_dir, writer).engine
    held = InboxMessage("7:5", b"", 0, ON_TIME, uid=5, uidvalidity=7)
    assert claim(engine, "inbox", "first-worker", [("7:5", 7, 5)]) == {"7:5"}
    hold_for_ocr(engine, "inbox", held, "key-5")
    assert forget_vanished(engine, "inbox", seen=set()) == 0
    give_back(engine, "inbox", "first-worker")
    assert forget_vanished(engine, "inbox", seen=set()) == 1  # unclaimed and not there


def _holds(database_url: str) -> list[tuple]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT attempts FROM message_failure")).all()
    finally:
        engine.dispose()


@needs_ocr
@pytest.mark.xdist_group("kill-pipeline")
def test_killed_in_the_lane_after_ocr_nothing_is_lost_or_doubled(
    tmp_path, mailbox, smtp, database_url, rules_dir
):
    bot = _bot(tmp_path, mailbox, smtp, database_url, rules_dir)
    for raw in (scanned_nomination(), *(DATA.joinpath("e2e", n).read_bytes() for n in
                                        ("kenya.eml", "mexico.eml"))):  # fmt: skip
        mailbox.append(raw, ON_TIME)
    # The second message read is the scan, in the lane, once OCR is done: Mexico's (read
    # first, by the cycle) is decided; the scan and Kenya's next one are only held.
    _kill_round(bot, Point.READ, 2)
    assert [outcome for _, outcome, _ in _state(database_url)["inbound"]] == ["accepted"]
    assert sorted(_holds(database_url)) == [(0,), (0,)]

    process = bot.popen("run")
    try:
        wait_until(lambda: _caught_up(database_url, mailbox, 3), 120, "the restart to catch up")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    state = _state(database_url)
    assert len({mid for mid, _, _ in state["inbound"]}) == 3
    assert _holds(database_url) == []
    received = Counter(c.message["Message-ID"] for c in smtp.messages)
    assert {mid for mid, _, _ in state["outbox"]} == set(received)
    assert all(count == 1 for count in received.values()), received
