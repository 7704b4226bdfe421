"""Cross-site request forgery: every form carries the session's own random token in the
field ``csrf_token``, and every POST must send it back (compared in constant time), else
403. The token is made with the session and renewed at sign-in."""

import secrets
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

FIELD = "csrf_token"
SESSION_KEY = "csrf"
MAX_FIELDS = 200

FormHandler = Callable[[Request, FormData], Awaitable[Response]]


def csrf_token(request: Request) -> str:
    """The session's token, made on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def renew_token(request: Request) -> str:
    token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


async def checked_form(request: Request) -> FormData:
    """The submitted form, once its token is the session's; HTTPException(403) otherwise."""
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    sent = form.get(FIELD)
    expected = request.session.get(SESSION_KEY)
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not expected
        or not secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise HTTPException(
            403,
            "This form has expired or did not come from this site. Reload the page and try again.",
        )
    return form


def form_endpoint(handler: FormHandler) -> Callable[[Request], Awaitable[Response]]:
    """A POST endpoint that is handed the form only after its token was checked."""

    async def endpoint(request: Request) -> Response:
        return await handler(request, await checked_form(request))

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint
