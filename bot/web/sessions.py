"""Signed session cookies (Starlette's SessionMiddleware over itsdangerous), HttpOnly and
SameSite=Lax, Secure whenever the request came over https — directly, or through a
trusted reverse proxy's X-Forwarded-Proto, which uvicorn applies — or always with
``[web] behind_tls``. The cookie holds no secret: the account's id and session key, the
sign-in time, the CSRF token and the pending notices, all signed with the server's key.
"""

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "nombot_session"


class SessionCookies:
    """Two SessionMiddleware sharing one key and cookie, chosen per request by its scheme."""

    def __init__(
        self, app: ASGIApp, secret: str, max_age: int, always_secure: bool = False
    ) -> None:
        options = {"secret_key": secret, "session_cookie": COOKIE, "max_age": max_age}
        self.secure = SessionMiddleware(app, **options, same_site="lax", https_only=True)
        self.plain = SessionMiddleware(app, **options, same_site="lax", https_only=False)
        self.always_secure = always_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        over_tls = self.always_secure or scope.get("scheme") in ("https", "wss")
        await (self.secure if over_tls else self.plain)(scope, receive, send)
