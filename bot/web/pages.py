"""Rendering the pages of ``templates/web/`` (shipped in the wheel as
``bot/templates/web``, beside the mail templates): Jinja2 with autoescape on for every
page, so any text from a message, a nominee or the directory is shown as text. The pages
are named ``*.html`` (not ``*.j2``) so the mail writer's start-up check leaves them alone.

Also here: the notices shown once after a redirect, and the check that a ``next``
address stays on the site.
"""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from bot.notify.writer import packaged_templates
from bot.web.csrf import FIELD, csrf_token
from bot.web.gate import staff_of
from bot.web.wording import government_label, local_time

NOTICES = "notices"
MAX_NOTICES = 5


def web_folder() -> Path:
    """The pages and their static files: in the wheel, or in the source checkout."""
    return packaged_templates() / "web"


def static_folder() -> Path:
    return web_folder() / "static"


def _environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = local_time
    env.filters["government"] = government_label
    env.filters["joined"] = lambda values: ", ".join(str(v) for v in values or ())
    return env


class Pages:
    """The page renderer of one app."""

    def __init__(self, folder: Path | None = None) -> None:
        self.templates = Jinja2Templates(env=_environment(folder or web_folder()))

    def render(
        self, request: Request, name: str, context: dict | None = None, status_code: int = 200
    ) -> Response:
        values = {
            "staff": staff_of(request),
            "csrf_field": FIELD,
            "csrf_token": csrf_token(request),
            "notices": take_notices(request),
            "path": request.url.path,
            **(context or {}),
        }
        return self.templates.TemplateResponse(request, name, values, status_code=status_code)


def notify(request: Request, text: str, problem: bool = False) -> None:
    """A line shown once on the next page (after the redirect that follows a POST)."""
    notices = list(request.session.get(NOTICES, []))[-MAX_NOTICES + 1 :]
    notices.append([text[:300], problem])
    request.session[NOTICES] = notices


def take_notices(request: Request) -> list[tuple[str, bool]]:
    notices = request.session.pop(NOTICES, None) or []
    return [(str(text), bool(problem)) for text, problem in notices]


def local_target(value: object, default: str) -> str:
    """A path on this site to go back to; anything else (another host, a scheme) → default."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(c) < 32 for c in value):
        return default
    return value


def back_to(request: Request, form_value: object, default: str) -> RedirectResponse:
    return RedirectResponse(local_target(form_value, default), status_code=303)
