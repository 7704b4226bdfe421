"""The staff web interface assembled: its routes, the static files, and the layers every
request goes through, outermost first — the security headers, the signed session cookie,
the gate (signed in? allowed to change things?) — then the view, which checks the CSRF
token of any form it is sent. Errors are pages (JSON under ``/api/``), never tracebacks.
"""

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.app import Services
from bot.errors import ConfigError
from bot.web.context import WebContext
from bot.web.gate import API_PREFIX, StaffGate
from bot.web.headers import SecurityHeaders
from bot.web.pages import Pages, static_folder
from bot.web.sessions import SessionCookies
from bot.web.throttle import Throttle
from bot.web.views import api, auth, directory, events, messages, participants, review

MAX_BODY_BYTES = 1024 * 1024  # forms only: no uploads
MIN_SECRET_LENGTH = 32


def check_secret(secret: str, env_name: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"web: {env_name} must hold at least {MIN_SECRET_LENGTH} characters "
            "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return secret


async def error_page(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal error."
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"error": detail}, status_code=status)
    context: WebContext = request.app.state.web
    values = {"status": status, "detail": detail}
    return context.pages.render(request, "error.html", values, status_code=status)


def create_app(services: Services, secret: str) -> Starlette:
    """The ASGI application for one set of services (``nombot web`` serves it)."""
    web = services.config.web
    check_secret(secret, web.secret_env)
    session_seconds = web.session_hours * 3600
    routes = [
        *auth.ROUTES,
        *events.ROUTES,
        *review.ROUTES,
        *participants.ROUTES,
        *messages.ROUTES,
        *directory.ROUTES,
        *api.ROUTES,
        Mount("/static", app=StaticFiles(directory=static_folder()), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionCookies,
                secret=secret,
                max_age=session_seconds,
                always_secure=web.behind_tls,
            ),
            Middleware(StaffGate, engine=services.engine, session_seconds=session_seconds),
        ],
        exception_handlers={HTTPException: error_page},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.web = WebContext(services, Pages(), Throttle.from_config(web))
    return app
