"""The raw bytes of an inbound message, written in that message's transaction.

On SQLite a large message is written through the blob interface, a megabyte at a time:
bound as a parameter, it would be copied twice more by the driver (60 MB for a 30 MB
message, the largest share of a poll's memory). Other databases take it as a parameter.
"""

from sqlalchemy import func
from sqlmodel import Session

from bot.store.models import RawMessage

STREAM_ABOVE = 1024 * 1024
CHUNK = 1024 * 1024


def store_raw(session: Session, inbound_id: int | None, raw: bytes) -> None:
    """Add the ``raw_message`` row of an inbound message (flushed)."""
    connection = session.connection()
    if len(raw) <= STREAM_ABOVE or connection.dialect.name != "sqlite":
        session.add(RawMessage(inbound_message_id=inbound_id, data=raw))
        session.flush()
        return
    row = RawMessage(inbound_message_id=inbound_id, data=func.zeroblob(len(raw)))
    session.add(row)
    session.flush()
    whole = memoryview(raw)
    with connection.connection.dbapi_connection.blobopen(
        RawMessage.__tablename__, "data", row.id
    ) as blob:
        for start in range(0, len(raw), CHUNK):
            blob.write(whole[start : start + CHUNK])
