"""The JSON views for tools: exactly what ``nombot participants --format json`` and
``nombot messages --format json`` print (``bot.staff.reports``), to a signed-in session
(anyone else gets 401 from the gate). ``/api/participants`` takes the same ``event`` and
``status`` filters as the command."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.staff.reports import as_json, message_rows, participant_rows
from bot.web.context import web_context

JSON = "application/json"


def participants(request: Request) -> Response:
    engine = web_context(request).services.engine
    query = request.query_params
    event, status = query.get("event") or None, query.get("status") or None
    rows = participant_rows(engine, event, status, with_id=True)  # as the CLI's JSON
    return Response(as_json(rows), media_type=JSON)


def messages(request: Request) -> Response:
    return Response(as_json(message_rows(web_context(request).services.engine)), media_type=JSON)


ROUTES = [
    Route("/api/participants", participants, methods=["GET"]),
    Route("/api/messages", messages, methods=["GET"]),
]
