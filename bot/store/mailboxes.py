"""Where ingestion stands in each mailbox: its UIDVALIDITY and the last UID decided.

The last UID moves in the same transaction as the message it belongs to, so a restart
resumes exactly after the last message whose outcome was committed. It never passes a
message that failed and waits to be tried again (a ``message_failure`` row), nor one
that a worker has claimed and not decided yet (bot.store.claims): the next poll fetches
that one again, and the messages after it that are already decided are recognised by
their keys.
"""

from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.inbox import InboxMessage
from bot.store.claims import lowest_claimed_uid
from bot.store.models import MailboxState, MessageClaim, MessageFailure, utcnow


def _state(session: Session, mailbox: str) -> MailboxState:
    state = session.exec(select(MailboxState).where(MailboxState.mailbox == mailbox)).first()
    if state is None:
        state = MailboxState(mailbox=mailbox)
        session.add(state)
        session.flush()
    return state


def mailbox_state(engine: Engine, mailbox: str) -> MailboxState:
    """The sync state of a mailbox, created on first use (safe when two processes race)."""
    for _ in range(2):
        with Session(engine, expire_on_commit=False) as session:
            try:
                state = _state(session, mailbox)
                session.commit()
                return state
            except IntegrityError:
                session.rollback()  # another process created it first: read theirs
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(MailboxState).where(MailboxState.mailbox == mailbox)).one()


def advance(session: Session, mailbox: str, message: InboxMessage) -> None:
    """Record ``message`` as the last one taken from ``mailbox`` (in the caller's transaction)."""
    if message.uid is None:
        return
    state = session.exec(
        select(MailboxState).where(MailboxState.mailbox == mailbox).with_for_update()
    ).first() or _state(session, mailbox)
    if state.uidvalidity != message.uidvalidity:
        state.uidvalidity, state.last_uid = message.uidvalidity, 0
    state.last_uid = max(state.last_uid, message.uid)
    waiting = _first_waiting(session, mailbox, state.uidvalidity)
    if waiting is not None:
        state.last_uid = min(state.last_uid, waiting - 1)
    claimed = lowest_claimed_uid(session, mailbox, state.uidvalidity, message.key)
    if claimed is not None:  # another worker's message, not decided yet
        state.last_uid = min(state.last_uid, max(claimed - 1, 0))
    state.updated_at = utcnow()
    session.add(state)


def _first_waiting(session: Session, mailbox: str, uidvalidity: int | None) -> int | None:
    """The lowest UID of a message of this mailbox waiting to be tried again."""
    return session.exec(
        select(func.min(MessageFailure.uid)).where(
            MessageFailure.mailbox == mailbox,
            MessageFailure.uidvalidity == uidvalidity,
            col(MessageFailure.uid).is_not(None),
        )
    ).one()


def hold_below(session: Session, mailbox: str, message: InboxMessage) -> None:
    """Keep the last UID below a message that failed, so that it is fetched again."""
    if message.uid is None:
        return
    state = session.exec(
        select(MailboxState).where(MailboxState.mailbox == mailbox).with_for_update()
    ).first()
    held = state is not None and state.uidvalidity == message.uidvalidity
    if held and state.last_uid >= message.uid:
        state.last_uid, state.updated_at = message.uid - 1, utcnow()
        session.add(state)


WAITING_FOR_OCR = "waiting for OCR"  # the hold of a message in the OCR lane, no failure


def hold_for_ocr(engine: Engine, mailbox: str, message: InboxMessage, key: str) -> None:
    """Keep the last UID below a message handed to the OCR lane until it is decided: a
    ``message_failure`` row without a failed attempt (a row already there holds it)."""
    with Session(engine) as session:
        held = session.exec(
            select(MessageFailure).where(
                MessageFailure.mailbox == mailbox, MessageFailure.dedupe_key == key
            )
        ).first()
        if held is None:
            session.add(
                MessageFailure(
                    mailbox=mailbox, dedupe_key=key, source_key=message.key, uid=message.uid,
                    uidvalidity=message.uidvalidity, last_error=WAITING_FOR_OCR,
                )
            )  # fmt: skip
        hold_below(session, mailbox, message)
        try:
            session.commit()
        except IntegrityError:  # another worker's hold, just taken: it holds as well
            session.rollback()


def forget_failure(session: Session, mailbox: str, key: str) -> None:
    """The message is decided (or set aside): its failed attempts no longer hold anything."""
    session.exec(
        delete(MessageFailure).where(
            MessageFailure.mailbox == mailbox, MessageFailure.dedupe_key == key
        )
    )


def forget_vanished(engine: Engine, mailbox: str, seen: set[str]) -> int:
    """Drop the failures (and OCR holds) of messages no longer in the mailbox (moved or
    deleted by someone); returns how many. ``seen``: the keys the last fetch found. A
    message another worker has claimed is not fetched here but is not gone either."""
    with Session(engine) as session:
        present = seen | set(
            session.exec(select(MessageClaim.source_key).where(MessageClaim.mailbox == mailbox))
        )
        rows = session.exec(select(MessageFailure).where(MessageFailure.mailbox == mailbox))
        gone = [row for row in rows.all() if row.source_key not in present]
        for row in gone:
            session.delete(row)
        session.commit()
    return len(gone)
