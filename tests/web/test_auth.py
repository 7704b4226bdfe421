"""Signing in and what it protects: anonymous visitors see only the sign-in page, wrong
passwords are refused and repeated failures throttled, sessions are signed, HttpOnly,
SameSite=Lax, Secure over TLS, end at sign-out, after their lifetime or when the account
goes; every POST needs the session's CSRF token; viewers read but never decide."""

import time
from dataclasses import replace
from datetime import timedelta

import pytest
from starlette.routing import Route

from bot.errors import ConfigError
from bot.store.models import utcnow
from bot.web import accounts, gate
from bot.web.app import create_app
from bot.web.sessions import COOKIE
from bot.web.throttle import Throttle
from tests.web.conftest import (
    DECIDER,
    PRODUCTION_HASHER,
    SECRET,
    VIEWER,
    Browser,
    client_for,
    participant,
)

PAGES = (
    "/",
    "/events/cb-forum-2025",
    "/review",
    "/participants",
    "/participants/1",
    "/participants/new",
    "/participants/export.csv",
    "/participants/export.xlsx",
    "/messages",
    "/messages/1",
    "/messages/1/raw",
    "/directory",
)
PENDING = "ctello@inia.gob.pe"


def test_every_page_but_login_sends_an_anonymous_visitor_to_sign_in(browser):
    for path in PAGES:
        response = browser.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path
    for path in ("/api/participants", "/api/messages"):
        response = browser.get(path)
        assert response.status_code == 401 and response.json() == {"error": "sign in first"}
    login = browser.get("/login")
    assert login.status_code == 200
    assert 'name="email"' in login.text and 'name="password"' in login.text


def test_sign_in_goes_where_the_visitor_was_going_and_sign_out_ends_it(browser):
    first = browser.get("/review?flag=late", follow_redirects=False).headers["location"]
    token = browser.token(first)
    email, name, password = DECIDER
    response = browser.client.post(
        "/login",
        data={
            "email": email.upper(),
            "password": password,
            "csrf_token": token,
            "next": "/review?flag=late",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/review?flag=late"
    page = browser.get("/review")
    assert page.status_code == 200 and name in page.text

    assert browser.submit("/logout", {}).status_code == 303
    assert browser.get("/review", follow_redirects=False).status_code == 303
    assert "You are signed out." in browser.get("/login").text


def test_sign_in_never_sends_anyone_off_the_site(browser):
    email, _, password = DECIDER
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = browser.client.post(
            "/login",
            data={
                "email": email,
                "password": password,
                "csrf_token": browser.token(),
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


def test_a_wrong_password_or_address_is_refused_with_one_message(browser):
    wrong = browser.sign_in(password="not the password at all")
    unknown = browser.sign_in(("nobody@cbd.int", "", "whatever password"))
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong e-mail address or password." in response.text
    assert browser.get("/review", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled_per_account_and_per_address(services):
    with client_for(services, client=("192.0.2.1", 5000)) as first:
        attacker = Browser(first)
        for _ in range(5):
            assert attacker.sign_in(password="guess " * 3).status_code == 401
        refused = attacker.sign_in()  # even the right password, now
        assert refused.status_code == 429
        assert "Too many failed sign-ins" in refused.text and "try again in" in refused.text
        assert attacker.sign_in(VIEWER).status_code == 429  # the same address
    with client_for(services, client=("198.51.100.9", 5000)) as second:
        elsewhere = Browser(second)
        assert elsewhere.sign_in().status_code == 429  # the same account
        assert elsewhere.sign_in(VIEWER).status_code == 303


def test_failures_leave_the_count_after_the_window(services):
    throttle = Throttle(limit=2, window=timedelta(minutes=15))
    for _ in range(2):
        throttle.record_failure(services.engine, "x@cbd.int", "192.0.2.7")
    wait = throttle.retry_after(services.engine, "x@cbd.int", "198.51.100.1")
    assert wait is not None and timedelta(minutes=14) < wait <= timedelta(minutes=15)
    later = utcnow() + timedelta(minutes=16)
    assert throttle.retry_after(services.engine, "x@cbd.int", "192.0.2.7", now=later) is None


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE + "=")]
    return cookie.lower()


def test_session_cookie_is_httponly_lax_and_secure_only_over_tls(services):
    with client_for(services) as plain:
        cookie = _session_cookie(plain.get("/login"))
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    with client_for(services, base_url="https://staff.cbd.int") as tls:
        assert "secure" in _session_cookie(tls.get("/login"))
    behind = services.config.model_copy(
        update={"web": services.config.web.model_copy(update={"behind_tls": True})}
    )
    with client_for(replace(services, config=behind)) as proxied:
        assert "secure" in _session_cookie(proxied.get("/login"))


def test_a_forged_or_stale_session_opens_nothing(decider, services, monkeypatch):
    client = decider.client
    good = client.cookies.get(COOKIE)
    client.cookies.set(COOKIE, good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"))
    assert client.get("/review", follow_redirects=False).status_code == 303
    client.cookies.set(COOKIE, good)
    assert client.get("/review").status_code == 200

    later = time.time() + services.config.web.session_hours * 3600 + 60
    monkeypatch.setattr(gate.time, "time", lambda: later)
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_removing_an_account_ends_its_sessions(decider, services):
    assert decider.get("/review").status_code == 200
    accounts.remove_account(services.engine, DECIDER[0])
    assert decider.get("/review", follow_redirects=False).status_code == 303


def _post_routes(app) -> list[str]:
    return [r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())]


def test_every_post_needs_the_sessions_csrf_token(decider, services):
    paths = _post_routes(create_app(services, SECRET))
    assert {"/login", "/logout", "/review/decide", "/review/message", "/participants/new"} <= set(
        paths
    )
    target = participant(services, PENDING)
    data = {"participant": str(target.id), "action": "accept", "message": "8"}
    for path in paths:
        path = path.replace("{participant_id:int}", str(target.id))
        missing = decider.client.post(path, data=data, follow_redirects=False)
        forged = decider.client.post(
            path, data={**data, "csrf_token": "x" * 43}, follow_redirects=False
        )
        assert missing.status_code == 403, path
        assert forged.status_code == 403, path
    assert participant(services, PENDING).status == "pending"
    assert decider.get("/review").status_code == 200  # still signed in


def test_a_viewer_reads_everything_and_decides_nothing(viewer, services):
    for path in PAGES:
        assert viewer.get(path).status_code == 200, path
    review = viewer.get("/review").text
    assert PENDING in review and ">Accept<" not in review
    target = participant(services, PENDING)
    for path, data in (
        ("/review/decide", {"participant": str(target.id), "action": "accept"}),
        (f"/participants/{target.id}/edit", {"name": "Changed", "email": PENDING}),
        ("/participants/new", {"event": "cb-forum-2025", "email": "x@example.org", "source": "x"}),
    ):
        response = viewer.submit(path, data)
        assert response.status_code == 403, path
    assert participant(services, PENDING).status == "pending"
    assert viewer.submit("/logout", {}).status_code == 303


def test_every_response_carries_the_security_headers(decider):
    for response in (
        decider.get("/review"),
        decider.get("/static/style.css"),
        decider.get("/no/such/page"),
        decider.get("/api/participants"),
        decider.get("/messages/1/raw"),
    ):
        headers = response.headers
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
    assert decider.get("/review").headers["cache-control"] == "no-store"
    assert "<script" not in decider.get("/review").text


def test_passwords_are_hashed_with_argon2id_at_its_recommended_cost():
    hasher = PRODUCTION_HASHER
    assert hasher.type.name == "ID"
    assert hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024  # OWASP's floor


def test_the_session_key_must_be_long(services):
    with pytest.raises(ConfigError, match="at least 32 characters"):
        create_app(services, "short")
