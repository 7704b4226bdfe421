"""Participants: the list with its search and its CSV / XLSX exports (the columns of
``nombot participants``), one participant's page with the decision history and the
correction form, and the form that adds a participant by hand."""

import tempfile
from functools import partial
from pathlib import Path

from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.app import Services
from bot.errors import UserError
from bot.staff.reports import PARTICIPANT_FIELDS, as_csv, participant_rows, write_xlsx
from bot.store.models import Decision, InboundMessage, Nomination, Participant
from bot.vocab import ParticipantStatus
from bot.web.changes import NewParticipant, add_by_hand, edit_participant
from bot.web.context import web_context
from bot.web.csrf import form_endpoint
from bot.web.gate import staff_of
from bot.web.pages import notify
from bot.web.views.review import whole_number

PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUSES = frozenset(str(s) for s in ParticipantStatus)
SEARCHED = ("name", "email", "organization", "country", "nominated_by", "event")


def _wanted(request: Request) -> tuple[str, str | None, str | None]:
    query = request.query_params
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        status = None
    return query.get("q", "").strip(), query.get("event") or None, status


def _matches(search: str, row: dict) -> bool:
    wanted = search.casefold()
    return not wanted or any(wanted in str(row.get(key) or "").casefold() for key in SEARCHED)


def _searchable(row: Participant) -> dict:
    return {key: getattr(row, key, None) for key in SEARCHED} | {"event": row.event_slug}


def _rows(services: Services, search: str, event: str | None, status: str | None) -> list[dict]:
    return [r for r in participant_rows(services.engine, event, status) if _matches(search, r)]


def listing(request: Request) -> Response:
    context = web_context(request)
    search, event, status = _wanted(request)
    with Session(context.services.engine) as session:
        query = select(Participant).order_by(Participant.event_slug, Participant.id)
        if event:
            query = query.where(Participant.event_slug == event)
        if status:
            query = query.where(Participant.status == status)
        rows = [p for p in session.exec(query).all() if _matches(search, _searchable(p))]
    page = whole_number(request.query_params.get("page")) or 1
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(page, pages)
    values = {
        "rows": rows[(page - 1) * PER_PAGE : page * PER_PAGE],
        "total": len(rows),
        "page": page,
        "pages": pages,
        "search": search,
        "event": event or "",
        "status": status or "",
        "events": context.services.events,
        "statuses": sorted(STATUSES),
        "query": request.url.query,
    }
    return context.pages.render(request, "participants.html", values)


def _download_name(services: Services, event: str | None, suffix: str) -> str:
    """A file name that is safe in a header: a known event's slug, else "all"."""
    known = services.event(event) is not None
    return f"participants-{event if known else 'all'}.{suffix}"


def export_csv(request: Request) -> Response:
    search, event, status = _wanted(request)
    services = web_context(request).services
    rows = _rows(services, search, event, status)
    name = _download_name(services, event, "csv")
    return Response(
        as_csv(rows, PARTICIPANT_FIELDS),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def export_xlsx(request: Request) -> Response:
    search, event, status = _wanted(request)
    services = web_context(request).services
    rows = _rows(services, search, event, status)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "participants.xlsx"
        write_xlsx(rows, PARTICIPANT_FIELDS, path)
        data = path.read_bytes()
    name = _download_name(services, event, "xlsx")
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _participant_page(request: Request, participant_id: int, status_code: int = 200) -> Response:
    context = web_context(request)
    with Session(context.services.engine) as session:
        row = session.get(Participant, participant_id)
        if row is None:
            raise HTTPException(404, "No such participant.")
        nomination = session.get(Nomination, row.nomination_id) if row.nomination_id else None
        message = session.get(InboundMessage, nomination.inbound_message_id) if nomination else None
        history = session.exec(
            select(Decision)
            .where(Decision.participant_id == participant_id)
            .order_by(Decision.at, Decision.id)
        ).all()
    event = context.services.event(row.event_slug)
    values = {
        "row": row,
        "nomination": nomination,
        "message": message,
        "history": history,
        "zone": event.zone if event else "UTC",
        "event": event,
    }
    return context.pages.render(request, "participant.html", values, status_code=status_code)


def participant(request: Request) -> Response:
    return _participant_page(request, request.path_params["participant_id"])


async def edit(request: Request, form: FormData) -> Response:
    context = web_context(request)
    staff = staff_of(request)
    assert staff is not None
    participant_id = request.path_params["participant_id"]
    try:
        edited = await run_in_threadpool(
            partial(edit_participant, context.services, participant_id, staff.email),
            name=str(form.get("name") or ""),
            email=str(form.get("email") or ""),
            organization=str(form.get("organization") or ""),
            note=str(form.get("note") or ""),
        )
    except UserError as exc:
        notify(request, str(exc), problem=True)
    else:
        if not edited.changed:
            notify(request, "Nothing was changed.")
        else:
            told = " The nominator is told of the new address." if edited.nominator_told else ""
            notify(request, f"Corrected: {', '.join(edited.changed)}.{told}")
    response = RedirectResponse(f"/participants/{participant_id}", status_code=303)
    response.background = context.send_mail()
    return response


def new_form(request: Request, typed: dict | None = None, status_code: int = 200) -> Response:
    context = web_context(request)
    values = {"events": context.services.events, "typed": typed or {}}
    return context.pages.render(request, "add.html", values, status_code=status_code)


async def add(request: Request, form: FormData) -> Response:
    context = web_context(request)
    staff = staff_of(request)
    assert staff is not None
    typed = {key: str(form.get(key) or "").strip() for key in NewParticipant.__dataclass_fields__}
    new = NewParticipant(**typed)
    try:
        row = await run_in_threadpool(add_by_hand, context.services, new, staff.email)
    except UserError as exc:
        notify(request, str(exc), problem=True)
        return new_form(request, typed, status_code=400)
    notify(request, f"{row.email} is registered for {row.event_slug} and confirmed.")
    response = RedirectResponse(f"/participants/{row.id}", status_code=303)
    response.background = context.send_mail()
    return response


ROUTES = [
    Route("/participants", listing, methods=["GET"]),
    Route("/participants/export.csv", export_csv, methods=["GET"]),
    Route("/participants/export.xlsx", export_xlsx, methods=["GET"]),
    Route("/participants/new", new_form, methods=["GET"]),
    Route("/participants/new", form_endpoint(add), methods=["POST"]),
    Route("/participants/{participant_id:int}", participant, methods=["GET"]),
    Route("/participants/{participant_id:int}/edit", form_endpoint(edit), methods=["POST"]),
]
