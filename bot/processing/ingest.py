"""One ingestion cycle: fetch what is new, run each message through the pipeline, move it.

Each message is claimed before its bytes are fetched (bot.store.claims), and the cycle's
claims are given back once its messages are decided and moved, so two workers on one
mailbox share the work and never act on the same message. Moves that could not be done
(server gone between commit and MOVE) are retried, under a claim too, at the start of
the next cycle; nothing is decided twice because the last UID is committed with each
message. A message that failed stays in the inbox and is fetched again by the next cycle
(``failures``); the decided messages after it that come with it are recognised by their
keys and only passed over. Each message's bytes are let go once it is handled.
"""

import logging
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.app import Services
from bot.errors import InboxError, UserError
from bot.failpoints import Point, reach
from bot.inbox import InboxMessage, InboxSource, open_inbox
from bot.inbox.imap import NETWORK_ERRORS
from bot.processing.message import process_message
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


def _mark_moved(services: Services, inbound_id: int) -> None:
    with Session(services.engine) as session:
        row = session.get(InboundMessage, inbound_id)
        if row is not None:
            row.moved_at = utcnow()
            session.add(row)
            session.commit()


def _move(
    services: Services,
    inbox: InboxSource,
    message: InboxMessage,
    folder: str,
    inbound_id: int,
    report: IngestReport,
) -> None:
    try:
        inbox.move(message, folder)
    except NETWORK_ERRORS as exc:
        log.warning("could not move %s to %s (%s); will retry", message.key, folder, exc)
        report.move_errors += 1
        return
    reach(Point.MOVED)
    _mark_moved(services, inbound_id)
    report.moved += 1


def _retry_moves(services: Services, inbox: InboxSource, report: IngestReport) -> None:
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
        _move(services, inbox, message, row.target_folder, row.id, report)


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
    """Fetch, decide and file every new message of the configured inbox."""
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
    try:
        _ingest_claimed(services, inbox, report)
    finally:
        give_back(services.engine, inbox.name, WORKER)


def _ingest_claimed(services: Services, inbox: InboxSource, report: IngestReport) -> None:
    _retry_moves(services, inbox, report)
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

    for message in inbox.fetch_new(state, known.__contains__, claim_new):
        seen.add(message.key)
        if message.key in known:  # decided before, fetched again behind a failed one
            _pass_over(services, inbox.name, message)
            continue
        _handle(services, inbox, message, report)
    if forget_vanished(services.engine, inbox.name, seen):
        log.info("%s: failed messages no longer in the inbox are not retried", inbox.name)


def _handle(
    services: Services, inbox: InboxSource, message: InboxMessage, report: IngestReport
) -> None:
    """Decide one claimed message and file it."""
    if not report.fetched:
        _load_reader()
    report.fetched += 1
    reach(Point.FETCHED)
    result = process_message(services, inbox.name, message)
    message.raw = None
    report.outcomes[RETRYING if result.retrying else result.outcome] += 1
    reach(Point.COMMITTED)
    if result.target_folder and result.inbound_id is not None:
        _move(services, inbox, message, result.target_folder, result.inbound_id, report)


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
