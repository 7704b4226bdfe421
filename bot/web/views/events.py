"""The events overview (``/``) and each event's dashboard (``/events/{slug}``)."""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.context import web_context
from bot.web.dashboard import event_dashboard


def overview(request: Request) -> Response:
    context = web_context(request)
    dashboards = [event_dashboard(context.services, event) for event in context.services.events]
    return context.pages.render(request, "events.html", {"dashboards": dashboards})


def dashboard(request: Request) -> Response:
    context = web_context(request)
    event = context.services.event(request.path_params["slug"])
    if event is None:
        raise HTTPException(404, "No such event.")
    board = event_dashboard(context.services, event)
    return context.pages.render(request, "dashboard.html", {"board": board})


ROUTES = [
    Route("/", overview, methods=["GET"]),
    Route("/events/{slug}", dashboard, methods=["GET"]),
]
