"""One ingestion cycle: fetch what is new, run each message through the pipeline, move it.

Each message is claimed before its bytes are fetched (bot.store.claims), and the cycle's
claims are given back once its messages are decided and moved (``Filing``: up to
``MOVE_BATCH`` decided messages in one command), so two workers on one mailbox share
the work and never act on the same message. Moves that could not be done
(server gone between commit and MOVE) are retried, under a claim too, at the start of
the next cycle; nothing is decided twice because the last UID is committed with each
message. A message that failed stays in the inbox and is fetched again by the next cycle
(``failures``); the decided messages after it that come with it are recognised by their
keys and only passed over. Each message's bytes are let go once it is handled. A
message that needs OCR is decided in a lane of its own (``ocr_lane``) while the cycle
goes on with the others; the cycle ends when the lane is done.
"""

import logging
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bot.app import Services
from bot.errors import InboxError, StorageError, UserError, database_error
from bot.failpoints import Point, reach
from bot.inbox import InboxMessage, InboxSource, open_inbox
from bot.inbox.imap import NETWORK_ERRORS
from bot.processing.message import Processed, process_message
from bot.processing.ocr_lane import OcrLane
from bot.reading import ocr
from bot.store.claims import WORKER, claim, give_back
from bot.store.mailboxes import advance, forget_vanished, mailbox_state
from bot.store.models import InboundMessage, MailboxState, utcnow

log = logging.getLogger(__name__)
RETRYING = "retrying"  # the report's word for a message that failed and will be tried again


@dataclass
class IngestReport:
    fetched: int = 0
    outcomes: Counter = field(default_factory=Counter)
    moved: int = 0
    move_errors: int = 0


MOVE_BATCH = 100  # decided messages moved in one command


def _mark_moved(services: Services, inbound_ids: list[int]) -> None:
    with Session(services.engine) as session:
        session.exec(
            update(InboundMessage)
            .where(col(InboundMessage.id).in_(inbound_ids))
            .values(moved_at=utcnow())
        )
        session.commit()


class Filing:
    """Decided messages waiting for their move, moved together: one SEARCH and one MOVE
    per folder for up to ``MOVE_BATCH`` messages, then one UPDATE records them. A
    message decided but not moved yet (the server gone, the process killed) is moved by
    the next cycle (``_retry_moves``): its decision is committed, its move recorded
    apart."""

    def __init__(self, services: Services, inbox: InboxSource, report: IngestReport) -> None:
        self.services, self.inbox, self.report = services, inbox, report
        self.waiting: dict[str, list[tuple[InboxMessage, int]]] = {}

    def add(self, message: InboxMessage, folder: str, inbound_id: int) -> None:
        self.waiting.setdefault(folder, []).append((message, inbound_id))
        if sum(map(len, self.waiting.values())) >= MOVE_BATCH:
            self.move()

    def move(self) -> None:
        waiting, self.waiting = self.waiting, {}
        for folder, items in waiting.items():
            try:
                self.inbox.move([message for message, _ in items], folder)
            except NETWORK_ERRORS as exc:
                log.warning("could not move %d message(s) to %s (%s); will retry",
                            len(items), folder, exc)  # fmt: skip
                self.report.move_errors += len(items)
                continue
            for _ in items:
                reach(Point.MOVED)
            _mark_moved(self.services, [inbound_id for _, inbound_id in items])
            self.report.moved += len(items)


def _retry_moves(services: Services, inbox: InboxSource, filing: Filing) -> None:
    with Session(services.engine) as session:
        waiting = session.exec(
            select(InboundMessage).where(
                InboundMessage.mailbox == inbox.name,
                InboundMessage.target_folder.is_not(None),
                InboundMessage.moved_at.is_(None),
            )
        ).all()
    mine = claim(
        services.engine, inbox.name, WORKER,
        [(row.source_key or "", row.uidvalidity, row.uid) for row in waiting],
    )  # fmt: skip
    for row in waiting:
        if (row.source_key or "") not in mine:
            continue  # another worker has it
        message = InboxMessage(
            row.source_key or "",
            None,
            row.size,
            row.received_at,
            uid=row.uid,
            uidvalidity=row.uidvalidity,
        )
        filing.add(message, row.target_folder, row.id)
    filing.move()


def _record_health(services: Services, mailbox: str, error: str | None) -> None:
    """Remember whether the inbox could be reached, for the digest."""
    state = mailbox_state(services.engine, mailbox)
    with Session(services.engine) as session:
        row = session.get(MailboxState, state.id)
        now = utcnow()
        if error is None:
            row.checked_at, row.failing_since, row.last_error = now, None, None
        else:
            row.failing_since = row.failing_since or now
            row.last_error = error[:500]
        session.add(row)
        session.commit()


def ingest_once(services: Services) -> IngestReport:
    """Fetch, decide and file every new message of the configured inbox. The database
    gone at any moment of it (even while its health is recorded) is a ``StorageError``."""
    try:
        return _ingest_inbox(services)
    except SQLAlchemyError as exc:
        raise StorageError(database_error(exc)) from None


def _ingest_inbox(services: Services) -> IngestReport:
    report = IngestReport()
    source = open_inbox(services.config)
    with ExitStack() as stack:
        try:
            inbox = stack.enter_context(source)
        except UserError as exc:
            _record_health(services, source.name, str(exc))
            raise
        try:
            _ingest(services, inbox, report)
        except NETWORK_ERRORS as exc:
            _record_health(services, source.name, f"connection lost: {exc}")
            raise InboxError(f"{source.name}: connection lost during ingestion ({exc})") from None
    _record_health(services, source.name, None)
    return report


def _ingest(services: Services, inbox: InboxSource, report: IngestReport) -> None:
    """Run the cycle under this worker's claims and give them back, even when the
    database went away in the middle: then the cycle ends on that error (one outage line
    for the runner), and claims that could not be given back are taken over by the next
    cycle of this worker or, once stale, by any other."""
    try:
        _ingest_claimed(services, inbox, report)
    finally:
        try:
            give_back(services.engine, inbox.name, WORKER)
        except SQLAlchemyError as exc:
            log.debug("%s: claims not given back (%s)", inbox.name, database_error(exc))


def _ingest_claimed(services: Services, inbox: InboxSource, report: IngestReport) -> None:
    filing = Filing(services, inbox, report)
    _retry_moves(services, inbox, filing)
    state = mailbox_state(services.engine, inbox.name)
    with Session(services.engine) as session:
        known = set(
            session.exec(
                select(InboundMessage.source_key).where(InboundMessage.mailbox == inbox.name)
            ).all()
        )
    seen: set[str] = set()

    def claim_new(wanted) -> set[str]:
        return claim(services.engine, inbox.name, WORKER, wanted)

    lane = OcrLane(services, inbox.name)
    try:
        for message in inbox.fetch_new(state, known.__contains__, claim_new):
            seen.add(message.key)
            if message.key in known:  # decided before, fetched again behind a failed one
                _pass_over(services, inbox.name, message)
                continue
            _handle(services, message, report, filing, lane)
            for decided, result in lane.results():
                _file(decided, result, report, filing)
        for decided, result in lane.results(wait=True):
            _file(decided, result, report, filing)
    finally:
        lane.close()
    filing.move()
    if forget_vanished(services.engine, inbox.name, seen):
        log.info("%s: failed messages no longer in the inbox are not retried", inbox.name)


def _handle(
    services: Services, message: InboxMessage, report: IngestReport, filing: Filing,
    lane: OcrLane,
) -> None:  # fmt: skip
    """Decide one claimed message and file it, or hand it to the OCR lane."""
    if not report.fetched:
        _load_reader()
    report.fetched += 1
    reach(Point.FETCHED)
    with ocr.deferring(lane.sender_waits):
        try:
            result = process_message(services, filing.inbox.name, message)
        except ocr.OcrDeferred as deferred:
            lane.take(message, deferred.sender)
            return
    message.raw = None
    _file(message, result, report, filing)


def _file(message: InboxMessage, result: Processed, report: IngestReport, filing: Filing) -> None:
    """Count a decided message and queue its move."""
    report.outcomes[RETRYING if result.retrying else result.outcome] += 1
    reach(Point.COMMITTED)
    if result.target_folder and result.inbound_id is not None:
        filing.add(message, result.target_folder, result.inbound_id)


def _pass_over(services: Services, mailbox: str, message: InboxMessage) -> None:
    with Session(services.engine) as session:
        advance(session, mailbox, message)
        session.commit()


def _load_reader() -> None:
    """Load the reader's language model (about 90 MiB, once per process) before the first
    message is parsed: loaded in the middle of a 30 MB message, its peak adds to the
    message's."""
    from bot.reading.language import by_model

    by_model("Dear Secretariat, please find our nominations below.")
