"""Where ingestion stands in each mailbox: its UIDVALIDITY and the last UID decided.

The last UID moves in the same transaction as the message it belongs to, so a restart
resumes exactly after the last message whose outcome was committed.
"""

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.inbox import InboxMessage
from bot.store.models import MailboxState, utcnow


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
    state.updated_at = utcnow()
    session.add(state)
