"""The review queue (``/review``) with its filters and evidence, and the decisions taken
on it: one participant at a time (``/review/decide``, also used by a participant's own
page) or every shown item of one message (``/review/message``). Each decision is
``bot.staff.review.decide_participant`` with the signed-in staff member as its actor."""

from functools import partial

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import Services
from bot.errors import UserError
from bot.staff.review import STATUS_OF_ACTION, decide_participant
from bot.store.models import Participant
from bot.vocab import Change, Flag
from bot.web.changes import plain
from bot.web.context import web_context
from bot.web.csrf import form_endpoint
from bot.web.evidence import ReviewFilters, pending_of_message, review_page
from bot.web.gate import staff_of
from bot.web.pages import back_to, notify

DECISIONS = {str(action): action for action in STATUS_OF_ACTION}
MAX_REASON = 1000
NEEDS_REASON = "Say why: a rejection's reason is told to the participant and the nominator."


def whole_number(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def queue(request: Request) -> Response:
    context = web_context(request)
    query = request.query_params
    filters = ReviewFilters(
        event=query.get("event", ""),
        flag=query.get("flag", ""),
        government=query.get("government", "").strip(),
        sender=query.get("sender", "").strip(),
    )
    page = review_page(context.services, filters, whole_number(query.get("page")) or 1)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    values = {
        "review": page,
        "filters": filters,
        "events": context.services.events,
        "flags": [str(flag) for flag in Flag],
        "here": here,
    }
    return context.pages.render(request, "review.html", values)


def _decision(form: FormData) -> tuple[Change, str | None]:
    action = DECISIONS.get(str(form.get("action") or ""))
    if action is None:
        raise HTTPException(400, "Say accept, reject or withdraw.")
    reason = plain(str(form.get("reason") or ""), MAX_REASON)
    return action, reason


async def decide(request: Request, form: FormData) -> Response:
    context = web_context(request)
    staff = staff_of(request)
    assert staff is not None
    action, reason = _decision(form)
    participant_id = whole_number(form.get("participant"))
    if participant_id is None:
        raise HTTPException(400, "Which participant?")
    response = back_to(request, form.get("next"), "/review")
    if action == Change.REJECT and not reason:
        notify(request, NEEDS_REASON, problem=True)
        return response
    try:
        row = await run_in_threadpool(
            partial(decide_participant, context.services, str(participant_id), action, reason),
            who=staff.email,
        )
    except UserError as exc:
        notify(request, str(exc), problem=True)
        return response
    notify(request, f"{row.email} ({row.event_slug}) is now {row.status}.")
    response.background = context.send_mail()
    return response


def _decide_all(
    services: Services,
    message_id: int,
    ids: list[int],
    action: Change,
    reason: str | None,
    who: str,
) -> tuple[list[Participant], list[str]]:
    with Session(services.engine) as session:
        rows = pending_of_message(session, message_id, ids)
    done, problems = [], []
    for row in rows:
        try:
            done.append(decide_participant(services, str(row.id), action, reason, None, who))
        except UserError as exc:
            problems.append(str(exc))
    return done, problems


async def decide_message(request: Request, form: FormData) -> Response:
    context = web_context(request)
    staff = staff_of(request)
    assert staff is not None
    action, reason = _decision(form)
    message_id = whole_number(form.get("message"))
    ids = [n for n in (whole_number(v) for v in form.getlist("participant")) if n is not None]
    if message_id is None or not ids:
        raise HTTPException(400, "Which message?")
    response = back_to(request, form.get("next"), "/review")
    if action == Change.REJECT and not reason:
        notify(request, NEEDS_REASON, problem=True)
        return response
    done, problems = await run_in_threadpool(
        _decide_all, context.services, message_id, ids, action, reason, staff.email
    )
    if done:
        addresses = ", ".join(row.email for row in done)
        notify(request, f"{len(done)} now {STATUS_OF_ACTION[action]}: {addresses}.")
        response.background = context.send_mail()
    else:
        notify(request, "Nothing was pending among those participants any more.", problem=True)
    for problem in problems:
        notify(request, problem, problem=True)
    return response


ROUTES = [
    Route("/review", queue, methods=["GET"]),
    Route("/review/decide", form_endpoint(decide), methods=["POST"]),
    Route("/review/message", form_endpoint(decide_message), methods=["POST"]),
]
