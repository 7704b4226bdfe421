"""Signing in (``/login``: the form's fields are ``email`` and ``password``) and out."""

from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web.accounts import verify_password
from bot.web.context import web_context
from bot.web.csrf import form_endpoint, renew_token
from bot.web.gate import sign_in_session, staff_of
from bot.web.pages import local_target, notify
from bot.web.wording import duration

WRONG = "Wrong e-mail address or password."
ONE_MINUTE = timedelta(minutes=1)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form(request: Request, status: int, error: str | None, email: str, target: str) -> Response:
    context = {"error": error, "email": email, "next": target}
    return web_context(request).pages.render(request, "login.html", context, status_code=status)


def login_page(request: Request) -> Response:
    target = local_target(request.query_params.get("next"), "/")
    if staff_of(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _form(request, 200, None, "", target)


async def login(request: Request, form: FormData) -> Response:
    context = web_context(request)
    engine = context.services.engine
    email = str(form.get("email") or "").strip().lower()[:320]
    password = str(form.get("password") or "")
    target = local_target(form.get("next"), "/")
    client = _client(request)
    wait = await run_in_threadpool(context.throttle.retry_after, engine, email, client)
    if wait is not None:
        error = (
            "Too many failed sign-ins for this account or from this address: "
            f"try again in {duration(max(wait, ONE_MINUTE))}."
        )
        return _form(request, 429, error, email, target)
    signed_in = await run_in_threadpool(verify_password, engine, email, password)
    if signed_in is None:
        await run_in_threadpool(context.throttle.record_failure, engine, email, client)
        return _form(request, 401, WRONG, email, target)
    member, key = signed_in
    sign_in_session(request.session, member.id, key)
    renew_token(request)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request, form: FormData) -> Response:
    request.session.clear()
    notify(request, "You are signed out.")
    return RedirectResponse("/login", status_code=303)


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", form_endpoint(login), methods=["POST"]),
    Route("/logout", form_endpoint(logout), methods=["POST"]),
]
