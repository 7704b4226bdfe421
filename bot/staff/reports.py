"""What staff read: participants and processed messages, as rows for tables and exports."""

import csv
import io
import json
from datetime import UTC, datetime
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
DATE_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60  # the widest a column is made, in characters
MESSAGE_FIELDS = ("message_id", "from", "received_at", "event", "kind", "outcome", "replies")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def participant_rows(
    engine: Engine, event: str | None = None, status: str | None = None, with_id: bool = False
) -> list[dict]:
    """One dict per participant (``PARTICIPANT_FIELDS``); ``with_id`` adds the ``id`` the
    decision commands take, first."""
    with Session(engine) as session:
        query = select(Participant).order_by(Participant.event_slug, Participant.id)
        if event:
            query = query.where(Participant.event_slug == event)
        if status:
            query = query.where(Participant.status == status)
        return [
            {
                **({"id": p.id} if with_id else {}),
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
        writer.writerow({k: cell(row.get(k)) for k in fields})
    return buffer.getvalue()


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _sheet_value(field: str, value):
    """A cell's value: times (``*_at``, ISO 8601) as real dates in UTC, which a spreadsheet
    cannot hold with a zone; the rest as ``cell`` makes it safe."""
    if field.endswith("_at") and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return cell(value)
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return cell(value)


def write_xlsx(rows: list[dict], fields: tuple[str, ...], path: Path) -> None:
    """A workbook of the rows: header bold and frozen, filters on, columns fitted to what
    they hold, times as dates (UTC)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "participants"
    sheet.append(list(fields))
    for header in sheet[1]:
        header.font = Font(bold=True)
    widths = [len(f) for f in fields]
    for row in rows:
        values = [_sheet_value(f, row.get(f)) for f in fields]
        sheet.append(values)
        for index, value in enumerate(values):
            shown = len(DATE_FORMAT) if isinstance(value, datetime) else len(str(value or ""))
            widths[index] = max(widths[index], shown)
    for index, field in enumerate(fields, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(widths[index - 1] + 2, MAX_WIDTH)
        if field.endswith("_at"):
            for (value,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                value.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
