"""What staff read: participants and processed messages, as rows for tables and exports."""

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.store.models import InboundMessage, OutboxMail, Participant

PARTICIPANT_FIELDS = (
    "event",
    "email",
    "name",
    "title",
    "organization",
    "country",
    "status",
    "flags",
    "nominated_by",
    "nominated_at",
    "access_sent_at",
)
MESSAGE_FIELDS = ("message_id", "from", "received_at", "event", "kind", "outcome", "replies")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def participant_rows(
    engine: Engine, event: str | None = None, status: str | None = None
) -> list[dict]:
    with Session(engine) as session:
        query = select(Participant).order_by(Participant.event_slug, Participant.id)
        if event:
            query = query.where(Participant.event_slug == event)
        if status:
            query = query.where(Participant.status == status)
        return [
            {
                "event": p.event_slug,
                "email": p.email,
                "name": p.name,
                "title": p.title,
                "organization": p.organization,
                "country": p.country,
                "status": p.status,
                "flags": list(p.flags),
                "nominated_by": p.nominated_by,
                "nominated_at": _iso(p.nominated_at),
                "access_sent_at": _iso(p.access_sent_at),
            }
            for p in session.exec(query).all()
        ]


def message_rows(engine: Engine) -> list[dict]:
    with Session(engine) as session:
        messages = session.exec(select(InboundMessage).order_by(InboundMessage.id)).all()
        replies: dict[int, list[str]] = {}
        for mail in session.exec(select(OutboxMail).where(OutboxMail.auto_reply.is_(True))).all():
            replies.setdefault(mail.inbound_message_id, []).append(mail.template)
        return [
            {
                "message_id": m.message_id,
                "from": m.from_email,
                "received_at": _iso(m.received_at),
                "event": m.event_slug,
                "kind": m.kind,
                "outcome": m.outcome,
                "replies": replies.get(m.id, []),
            }
            for m in messages
        ]


def cell(value):
    """A value safe for a spreadsheet: lists joined, text that a spreadsheet would run as a
    formula (=, +, -, @ at the start) prefixed with an apostrophe."""
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(rows: list[dict], fields: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell(v) for k, v in row.items()})
    return buffer.getvalue()


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def write_xlsx(rows: list[dict], fields: tuple[str, ...], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "participants"
    sheet.append(list(fields))
    for row in rows:
        sheet.append([cell(row.get(f)) for f in fields])
    book.save(path)
