"""The focal-point directory as imported (``nombot directory import`` or the refresh job),
searchable by any column."""

from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.store.models import FocalPoint
from bot.web.context import web_context
from bot.web.wording import government_label


def directory(request: Request) -> Response:
    context = web_context(request)
    search = request.query_params.get("q", "").strip()
    wanted = search.casefold()
    with Session(context.services.engine) as session:
        rows = session.exec(
            select(FocalPoint).order_by(FocalPoint.country, FocalPoint.role, FocalPoint.email)
        ).all()
    shown = [
        r
        for r in rows
        if not wanted
        or any(
            wanted in (v or "").casefold()
            for v in (
                r.country,
                government_label(r.country, r.organization),
                r.role,
                r.name,
                r.email,
                r.organization,
            )
        )
    ]
    values = {"rows": shown, "total": len(rows), "search": search}
    return context.pages.render(request, "directory.html", values)


ROUTES = [Route("/directory", directory, methods=["GET"])]
