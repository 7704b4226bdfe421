"""Who may see what: every request but the sign-in page and the static files needs a
signed-in staff member. An anonymous visitor is sent to the sign-in page (the JSON views
answer 401); a session older than ``[web] session_hours`` since its sign-in, or naming an
account that was removed, counts as anonymous. Viewers read; any POST but signing out
needs a decider (403 otherwise).

The signed-in member is put in the request scope as ``staff`` for the pages.
"""

import time
from urllib.parse import quote

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.accounts import StaffMember, member_for_session

PUBLIC_PATHS = frozenset({"/login"})
PUBLIC_PREFIXES = ("/static/",)
OPEN_TO_VIEWERS = frozenset({"/logout"})  # the only POST a viewer may send
API_PREFIX = "/api/"
# Session keys: the account's id and session key, and when the sign-in happened.
ACCOUNT, KEY, SINCE = "staff", "key", "since"


def sign_in_session(session: dict, account_id: int, key: str) -> None:
    """Start a fresh session for an account (nothing of the anonymous one is kept)."""
    session.clear()
    session.update({ACCOUNT: account_id, KEY: key, SINCE: int(time.time())})


def staff_of(connection: HTTPConnection) -> StaffMember | None:
    return connection.scope.get("staff")


class StaffGate:
    def __init__(self, app: ASGIApp, engine: Engine, session_seconds: int) -> None:
        self.app = app
        self.engine = engine
        self.session_seconds = session_seconds

    def _signed_in(self, session: dict) -> StaffMember | None:
        since = session.get(SINCE)
        if not isinstance(since, int) or time.time() - since > self.session_seconds:
            return None
        return member_for_session(self.engine, session.get(ACCOUNT), session.get(KEY))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        session = connection.session
        member = await run_in_threadpool(self._signed_in, session) if ACCOUNT in session else None
        if member is None and ACCOUNT in session:
            for key in (ACCOUNT, KEY, SINCE):
                session.pop(key, None)
        scope["staff"] = member
        refusal = self._refusal(connection, member)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, connection: HTTPConnection, member: StaffMember | None) -> Response | None:
        path = connection.url.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if member is None:
            if path.startswith(API_PREFIX):
                return JSONResponse({"error": "sign in first"}, status_code=401)
            wanted = path + (f"?{connection.url.query}" if connection.url.query else "")
            return RedirectResponse(f"/login?next={quote(wanted, safe='')}", status_code=303)
        method = connection.scope.get("method", "GET")
        if method not in ("GET", "HEAD") and path not in OPEN_TO_VIEWERS and not member.may_decide:
            return PlainTextResponse(
                "Your account may read but not decide (role: viewer).", status_code=403
            )
        return None
