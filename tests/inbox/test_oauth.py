"""XOAUTH2 logins with a token_command: a real Dovecot whose oauth2 passdb asks an
introspection endpoint on loopback, and an aiosmtpd server that takes AUTH XOAUTH2."""

import base64
import json
import shlex
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult

from bot.config import Config, load_config, parse_mail_url
from bot.errors import ConfigError, InboxError
from bot.inbox.imap import connect
from bot.notify.outbox import TemporaryFailure
from bot.notify.outbox.smtp import SmtpTransport
from bot.oauth import TokenCommand, TokenError
from tests.conftest import ROOT, Bot, bot_env, write_config
from tests.support.dovecot import Dovecot, free_port
from tests.support.smtp import SmtpCapture

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
UNRELATED = (ROOT / "examples" / "inbox" / "07-unrelated-question.eml").read_bytes()
USERS = {f"nominations{n}@cbd.int": f"password-{n}" for n in range(1, 11)}
_next_user = iter(USERS)

# The token command of these tests: prints <prefix>-<n> on its n-th run, counting in a file.
TOKEN_SCRIPT = """\
import sys
from pathlib import Path

counter = Path(sys.argv[1])
runs = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(runs))
print(f"{sys.argv[2]}-{runs}")
"""


class Issuer:
    """The identity provider's token introspection endpoint (RFC 7662), on loopback: a token
    it issued and has not revoked is ``{"active": true, "username": …}``, any other
    (expired, revoked, unknown) ``{"active": false}``."""

    def __init__(self) -> None:
        self.active: dict[str, str] = {}  # token -> the user it was issued for
        self.asked: list[str] = []
        self.lock = threading.Lock()
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                body = json.dumps(issuer.introspect(form.get("token", [""])[0])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/introspect"

    def introspect(self, token: str) -> dict:
        with self.lock:
            self.asked.append(token)
            user = self.active.get(token)
        return {"active": True, "username": user} if user else {"active": False}

    def issue(self, token: str, user: str) -> None:
        with self.lock:
            self.active[token] = user

    def revoke(self, token: str) -> None:
        with self.lock:
            self.active.pop(token, None)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Helper:
    """The token command of one test and the tokens it prints."""

    command: str
    prefix: str
    counter: Path

    @property
    def runs(self) -> int:
        return int(self.counter.read_text()) if self.counter.exists() else 0

    def token(self, n: int) -> str:
        return f"{self.prefix}-{n}"


@pytest.fixture(scope="module")
def issuer():
    server = Issuer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def oauth_dovecot(issuer):
    server = Dovecot(oauth2_introspection_url=issuer.url)
    server.add_users(USERS)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def user() -> str:
    return next(_next_user)


@pytest.fixture
def helper(tmp_path) -> Helper:
    script = tmp_path / "print-token.py"
    script.write_text(TOKEN_SCRIPT)
    counter = tmp_path / "token-runs"
    prefix = f"ya29.{tmp_path.name}"
    return Helper(shlex.join([sys.executable, str(script), str(counter), prefix]), prefix, counter)


def _imap_url(server: Dovecot, user: str) -> str:
    return f"imap://{quote(user, safe='')}@{server.host}:{server.port}/INBOX"


def _poll_bot(tmp_path: Path, url: str, token_command: str) -> Bot:
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(ROOT / "rules"), "templates_dir": str(ROOT / "templates")},
            "inbox": {
                "url": url,
                "auth": "xoauth2",
                "token_command": token_command,
                "timeout": 10,
            },
            "outbox": {
                "url": f"maildir:{tmp_path / 'outbox'}",
                "from": "CBD Secretariat <nominations@cbd.int>",
            },
            "database": {"url": f"sqlite:///{tmp_path / 'nombot.db'}"},
            "policy": {"secretariat_domains": ["cbd.int"]},
        },
    )
    return Bot(config, bot_env())  # no NOMBOT_IMAP_PASSWORD: the token is the only way in


def _inbox_config(tmp_path: Path, url: str, token_command: str) -> Config:
    return load_config(
        write_config(
            tmp_path / "config.toml",
            {"inbox": {"url": url, "auth": "xoauth2", "token_command": token_command}},
        )
    )


def test_poll_logs_in_with_the_printed_token_and_fetches(
    tmp_path, oauth_dovecot, issuer, helper, user
):
    oauth_dovecot.append(user, USERS[user], UNRELATED, ON_TIME)
    issuer.issue(helper.token(1), user)

    result = _poll_bot(tmp_path, _imap_url(oauth_dovecot, user), helper.command).run("poll")

    assert "fetched 1 message(s)" in result.stdout
    assert helper.runs == 1
    assert [t for t in issuer.asked if t.startswith(helper.prefix)] == [helper.token(1)]
    assert helper.prefix not in result.stdout + result.stderr


def test_an_expired_token_is_replaced_once_and_the_poll_succeeds(
    tmp_path, oauth_dovecot, issuer, helper, user
):
    oauth_dovecot.append(user, USERS[user], UNRELATED, ON_TIME)
    issuer.issue(helper.token(2), user)  # the first token printed has already expired

    result = _poll_bot(tmp_path, _imap_url(oauth_dovecot, user), helper.command).run("poll")

    assert "fetched 1 message(s)" in result.stdout
    assert helper.runs == 2
    asked = [t for t in issuer.asked if t.startswith(helper.prefix)]
    assert asked == [helper.token(1), helper.token(2)]
    assert helper.prefix not in result.stdout + result.stderr


def test_when_every_token_is_refused_the_poll_fails_with_one_line(
    tmp_path, oauth_dovecot, issuer, helper, user
):
    oauth_dovecot.append(user, USERS[user], UNRELATED, ON_TIME)

    bot = _poll_bot(tmp_path, _imap_url(oauth_dovecot, user), helper.command)
    result = bot.run("poll", check=False)

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"nombot: error: login to imap://127.0.0.1:{oauth_dovecot.port} as ")
    assert "refused" in line and "(a fresh token from inbox.token_command too)" in line
    assert helper.runs == 2  # one refresh, not a loop
    assert helper.prefix not in result.stdout + result.stderr
    assert len(oauth_dovecot.folder_messages(user, USERS[user], "INBOX")) == 1


def test_a_failing_token_command_stops_the_poll_with_its_stderr(
    tmp_path, oauth_dovecot, issuer, user
):
    command = shlex.join([sys.executable, "-c", "import sys; sys.exit('helper: refresh revoked')"])
    asked = len(issuer.asked)

    result = _poll_bot(tmp_path, _imap_url(oauth_dovecot, user), command).run("poll", check=False)

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("nombot: error: inbox.token_command: ")
    assert line.endswith("failed (exit 1): helper: refresh revoked")
    assert len(issuer.asked) == asked  # nothing reached the server


def test_the_token_is_kept_in_memory_and_replaced_when_it_expires(
    tmp_path, oauth_dovecot, issuer, helper, user
):
    config = _inbox_config(tmp_path, _imap_url(oauth_dovecot, user), helper.command)
    url = parse_mail_url(config.inbox.url)
    issuer.issue(helper.token(1), user)
    for _ in range(2):
        with connect(config, url) as client:
            client.select_folder("INBOX")
    assert helper.runs == 1  # the second login reused the token

    issuer.revoke(helper.token(1))  # it expires while the bot runs
    issuer.issue(helper.token(2), user)
    for _ in range(2):
        with connect(config, url) as client:
            client.select_folder("INBOX")
    assert helper.runs == 2
    asked = [t for t in issuer.asked if t.startswith(helper.prefix)]
    assert asked == [helper.token(1)] * 3 + [helper.token(2)] * 2


def test_an_imap_server_without_xoauth2_is_named_before_any_token(tmp_path, dovecot, helper):
    config = _inbox_config(
        tmp_path, f"imap://someone@127.0.0.1:{dovecot.port}/INBOX", helper.command
    )
    with pytest.raises(InboxError, match="does not offer XOAUTH2 login"):
        connect(config, parse_mail_url(config.inbox.url))
    assert helper.runs == 0


class XoauthHandler:
    """An SMTP server taking AUTH XOAUTH2 as Gmail does: on a bad token a 334 challenge
    with a JSON status, then 535 after the client's empty answer."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.users: list[str] = []  # who sent each message
        self.messages: list[bytes] = []

    async def auth_XOAUTH2(self, server, args: list[str]) -> AuthResult:  # noqa: N802
        blob = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth("")
        if blob is MISSING:
            return AuthResult(success=False)
        fields = dict(p.split("=", 1) for p in blob.decode().split("\x01") if "=" in p)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        if self.issuer.introspect(token).get("username") == user:
            return AuthResult(success=True, auth_data=user)
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.users.append(session.auth_data)
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def xoauth_smtp(issuer):
    handler = XoauthHandler(issuer)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), auth_require_tls=False)
    controller.start()
    yield controller
    controller.stop()


def _transport(tmp_path: Path, port: int, token_command: str) -> SmtpTransport:
    config = load_config(
        write_config(
            tmp_path / "config.toml",
            {
                "outbox": {
                    "url": f"smtp://127.0.0.1:{port}",
                    "from": "nominations@cbd.int",
                    "username": "nominations@cbd.int",
                    "auth": "xoauth2",
                    "token_command": token_command,
                    "timeout": 5,
                },
            },
        )
    )
    return SmtpTransport(config, parse_mail_url(config.outbox.url))


def _mail() -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "nominations@cbd.int", "jane@example.org", "Hi"
    mail.set_content("Registered.")
    return mail.as_bytes()


def test_sending_replaces_an_expired_token_once(tmp_path, issuer, xoauth_smtp, helper):
    issuer.issue(helper.token(2), "nominations@cbd.int")  # token 1 has expired

    with _transport(tmp_path, xoauth_smtp.port, helper.command) as transport:
        transport.send(1, "nominations@cbd.int", "jane@example.org", _mail())
    with _transport(tmp_path, xoauth_smtp.port, helper.command) as transport:
        transport.send(2, "nominations@cbd.int", "jane@example.org", _mail())

    assert helper.runs == 2  # one refresh; the second connection reused the fresh token
    assert xoauth_smtp.handler.users == ["nominations@cbd.int"] * 2
    asked = [t for t in issuer.asked if t.startswith(helper.prefix)]
    assert asked == [helper.token(1), helper.token(2), helper.token(2)]


def test_sending_with_every_token_refused_fails_with_one_line(
    tmp_path, issuer, xoauth_smtp, helper
):
    transport = _transport(tmp_path, xoauth_smtp.port, helper.command)
    with pytest.raises(TemporaryFailure) as failure, transport:
        pass

    [line] = str(failure.value).splitlines()
    assert line.startswith("SMTP login to 127.0.0.1 as nominations@cbd.int refused: 535 ")
    assert line.endswith("(a fresh token from outbox.token_command too)")
    assert helper.prefix not in line
    assert helper.runs == 2
    assert xoauth_smtp.handler.messages == []


def test_an_smtp_server_without_xoauth2_is_named_before_any_token(tmp_path, helper):
    plain = SmtpCapture().start()
    try:
        transport = _transport(tmp_path, plain.port, helper.command)
        with pytest.raises(TemporaryFailure, match="does not offer XOAUTH2 login"), transport:
            pass
    finally:
        plain.stop()
    assert helper.runs == 0


def test_xoauth2_needs_a_token_command_that_splits(tmp_path):
    def load(inbox: dict) -> Config:
        return load_config(write_config(tmp_path / "config.toml", {"inbox": inbox}))

    url = "imap://nominations%40cbd.int@outlook.office365.com/INBOX"
    with pytest.raises(ConfigError, match='inbox: .*auth = "xoauth2" needs token_command'):
        load({"url": url, "auth": "xoauth2"})
    with pytest.raises(ConfigError, match="inbox.token_command: .*cannot be split"):
        load({"url": url, "auth": "xoauth2", "token_command": "get-token 'unclosed"})
    with pytest.raises(ConfigError, match="inbox.auth: "):
        load({"url": url, "auth": "oauth"})
    assert load({"url": url}).inbox.auth == "password"


def test_a_token_command_that_hangs_or_prints_no_token_is_one_line():
    def failure(command: str, timeout: float = 30) -> str:
        with pytest.raises(TokenError) as raised:
            TokenCommand(command, "outbox.token_command", timeout=timeout).token()
        [line] = str(raised.value).splitlines()
        return line

    def python(code: str) -> str:
        return shlex.join([sys.executable, "-c", code])

    assert failure(python("import time; time.sleep(10)"), timeout=0.5).endswith(
        "did not finish in 0.5 s"
    )
    assert failure(python("pass")).endswith("printed nothing on stdout")
    assert failure(python("print('two words')")).endswith("not one access token on stdout")
    assert "cannot run /nonexistent/get-token" in failure("/nonexistent/get-token --for x")
