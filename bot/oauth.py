"""OAuth2 access tokens for XOAUTH2 logins to the inbox (IMAP) and the outbox (SMTP).

Microsoft 365 and Google Workspace mailboxes may have password login switched off. Then
``[inbox]`` or ``[outbox]`` sets ``auth = "xoauth2"`` and a ``token_command``: any
program that prints a valid access token on its standard output. That program holds the
provider's refresh token and talks to the provider; the bot only runs it (split with
shlex, without a shell, at most ``TOKEN_TIMEOUT`` seconds).

Those two keys are :class:`LoginKeys`, which both sections of bot.config inherit.
bot.inbox.imap and bot.notify.outbox.smtp log in through :func:`login_with_token`. The
token is kept in memory for the life of the process, one per command line (an inbox and
an outbox with the same ``token_command`` share it). When the server
refuses it, the command is run again and the fresh token tried once; a second refusal is
the caller's one-line error. The token itself never appears in a log line or an error.
"""

import logging
import re
import shlex
import subprocess
import threading
from collections.abc import Callable
from typing import Literal, TypeVar

from pydantic import BaseModel, field_validator, model_validator

from bot.errors import UserError

log = logging.getLogger(__name__)
T = TypeVar("T")
TOKEN_TIMEOUT = 30.0
# RFC 6750 b64token: what a bearer token may be made of.
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_cache: dict[str, str] = {}
_lock = threading.Lock()


class TokenError(UserError):
    """The token command gave no usable token; the message is one line."""


class LoginKeys(BaseModel):
    """The ``auth`` and ``token_command`` keys that ``[inbox]`` and ``[outbox]`` share
    (bot.config): a password from ``password_env``, or XOAUTH2 with the command's token."""

    auth: Literal["password", "xoauth2"] = "password"
    token_command: str | None = None

    @field_validator("token_command")
    @classmethod
    def _splits(cls, value: str | None) -> str | None:
        if value is not None:
            split_command(value)
        return value

    @model_validator(mode="after")
    def _token_command_for_xoauth2(self) -> "LoginKeys":
        if self.auth == "xoauth2" and self.token_command is None:
            raise ValueError('auth = "xoauth2" needs token_command')
        return self


def split_command(command: str) -> list[str]:
    """The argument list of a token command, or a ValueError saying why there is none."""
    try:
        args = shlex.split(command)
    except ValueError as exc:
        raise ValueError(f"cannot be split into arguments ({exc})") from None
    if not args:
        raise ValueError("is empty")
    return args


def xoauth2_string(user: str, token: str) -> str:
    """The XOAUTH2 client response (before base64), as Google and Microsoft document it."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class TokenCommand:
    """The configured command and the token it last printed (``what`` names the key)."""

    def __init__(self, command: str, what: str, timeout: float = TOKEN_TIMEOUT) -> None:
        self.command = command
        self.what = what
        self.timeout = timeout

    def token(self) -> str:
        """The token in memory, else a new one from the command."""
        with _lock:
            cached = _cache.get(self.command)
            if cached is None:
                cached = _cache[self.command] = self._run()
            return cached

    def refresh(self, refused: str) -> str:
        """A token other than the refused one: from another thread's refresh, else new."""
        with _lock:
            cached = _cache.get(self.command)
            if cached is None or cached == refused:
                _cache.pop(self.command, None)
                cached = _cache[self.command] = self._run()
            return cached

    def _run(self) -> str:
        try:
            args = split_command(self.command)
        except ValueError as exc:
            raise TokenError(f"{self.what} {exc}") from None
        try:
            done = subprocess.run(
                args,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            late = f"{args[0]} did not finish in {self.timeout:g} s"
            raise TokenError(f"{self.what}: {late}") from None
        except OSError as exc:
            raise TokenError(f"{self.what}: cannot run {args[0]}: {exc.strerror}") from None
        if done.returncode != 0:
            said = _one_line(done.stderr) or "nothing on stderr"
            raise TokenError(f"{self.what}: {args[0]} failed (exit {done.returncode}): {said}")
        token = done.stdout.strip()
        if not _TOKEN.fullmatch(token):
            what = "nothing" if not token else "something that is not one access token"
            raise TokenError(f"{self.what}: {args[0]} printed {what} on stdout")
        log.debug("%s: got an access token from %s", self.what, args[0])
        return token


def login_with_token(
    tokens: TokenCommand,
    attempt: Callable[[str], T],
    refused: type[BaseException] | tuple[type[BaseException], ...],
) -> T:
    """``attempt(token)`` with the token in memory; when it raises ``refused``, once more
    with a fresh token from the command. The second refusal propagates."""
    first = tokens.token()
    try:
        return attempt(first)
    except refused:
        log.info("%s: the server refused the access token; asking for a fresh one", tokens.what)
    return attempt(tokens.refresh(first))
