"""Claims on inbox messages: two workers on one mailbox never act on the same message.

Ingestion (bot.processing.ingest) claims each new message before its bytes are fetched:
one INSERT per message into ``message_claim``, whose unique (mailbox, source key) makes
exactly one process win, on SQLite and PostgreSQL alike, without waiting on anyone (the
loser simply passes the message by, as ``SKIP LOCKED`` would). The winner fetches,
decides and moves its messages, then gives its claims back at the end of the cycle. A
claim left by a killed process of this host is taken over at once, any other after
``STALE``. A retried MOVE is claimed the same way, so a message is moved once.

While a message is claimed by another worker and undecided, the mailbox's last UID never
passes it (``lowest_claimed_uid``): if that worker dies, the message is fetched again.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from bot.store.lease import dead_local_holder, holder_id
from bot.store.models import MessageClaim, utcnow

STALE = timedelta(minutes=10)
WORKER = holder_id()  # this process, in its claims
_TABLE = MessageClaim.__table__  # type: ignore[attr-defined]


Wanted = tuple[str, int | None, int | None]  # source key, uidvalidity, uid


def claim(engine: Engine, mailbox: str, holder: str, messages: Iterable[Wanted]) -> set[str]:
    """Claim (source key, uidvalidity, uid) of each message; the keys this holder now has."""
    wanted = list(messages)
    if not wanted:
        return set()
    with engine.begin() as connection:
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        now = utcnow()
        connection.execute(
            insert(_TABLE)
            .values(
                [
                    {"mailbox": mailbox, "source_key": key, "uidvalidity": validity, "uid": uid,
                     "claimed_by": holder, "claimed_at": now}  # fmt: skip
                    for key, validity, uid in wanted
                ]
            )
            .on_conflict_do_nothing(index_elements=["mailbox", "source_key"])
        )
        keys = [key for key, _, _ in wanted]
        rows = connection.execute(
            select(_TABLE.c.source_key, _TABLE.c.claimed_by, _TABLE.c.claimed_at).where(
                _TABLE.c.mailbox == mailbox, _TABLE.c.source_key.in_(keys)
            )
        ).all()
        mine = {key for key, by, _ in rows if by == holder}
        for key, by, at in rows:
            if by != holder and (dead_local_holder(by) or _aware(at) < now - STALE):
                taken = connection.execute(
                    update(_TABLE)
                    .where(_TABLE.c.mailbox == mailbox, _TABLE.c.source_key == key,
                           _TABLE.c.claimed_by == by)  # fmt: skip
                    .values(claimed_by=holder, claimed_at=now)
                ).rowcount
                if taken:
                    mine.add(key)
    return mine


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive times (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def give_back(engine: Engine, mailbox: str, holder: str) -> None:
    """The ingestion cycle is over: every claim it took ends (one statement, not one per
    message; a claim on a message that vanished before its fetch ends too)."""
    with engine.begin() as connection:
        connection.execute(
            delete(_TABLE).where(_TABLE.c.mailbox == mailbox, _TABLE.c.claimed_by == holder)
        )


def lowest_claimed_uid(
    session: Session, mailbox: str, uidvalidity: int | None, decided_key: str
) -> int | None:
    """The lowest UID claimed in this mailbox by another worker, the message being decided
    apart. This process's own claims never hold it back: it decides its messages in UID
    order, so those below the one being decided are decided already, or waiting as a
    recorded failure (which holds the last UID back by itself)."""
    return session.execute(
        select(func.min(_TABLE.c.uid)).where(
            _TABLE.c.mailbox == mailbox,
            _TABLE.c.uidvalidity == uidvalidity,
            _TABLE.c.source_key != decided_key,
            _TABLE.c.claimed_by != WORKER,
            _TABLE.c.uid.is_not(None),
        )
    ).scalar_one_or_none()
