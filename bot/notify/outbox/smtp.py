"""Outgoing mail through SMTP: plain, STARTTLS or implicit TLS, with AUTH when configured
(a password, or an OAuth2 access token with XOAUTH2: bot.oauth)."""

import re
import smtplib
import ssl
from collections.abc import Callable

from bot.config import Config, MailUrl, secret
from bot.errors import ConfigError
from bot.failpoints import Point, reach
from bot.notify.outbox import PermanentFailure, TemporaryFailure
from bot.oauth import TokenCommand, TokenError, login_with_token, xoauth2_string
from bot.tls import client_context


class SmtpTransport:
    def __init__(self, config: Config, url: MailUrl) -> None:
        self.config = config
        self.url = url
        self.client: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        outbox = self.config.outbox
        return client_context(
            outbox.tls_verify, self.config.path(outbox.ca_file) if outbox.ca_file else None
        )

    def __enter__(self) -> "SmtpTransport":
        outbox = self.config.outbox
        host = self.url.host or "localhost"
        username = outbox.username or self.url.username
        if outbox.auth == "xoauth2" and not username:
            raise ConfigError('outbox: auth = "xoauth2" needs username (or smtp://USER@HOST)')
        try:
            self.client = self._connect(host)
            if outbox.auth == "xoauth2":
                self._token_login(self.client, host, username or "")
            elif username:
                self.client.login(username, secret(outbox.password_env, "outbox.password_env"))
        except TemporaryFailure:
            self._quit()
            raise
        except TokenError as exc:
            self._quit()
            raise TemporaryFailure(str(exc)) from None
        except smtplib.SMTPAuthenticationError as exc:
            self._quit()
            raise TemporaryFailure(f"SMTP login refused: {exc.smtp_code}") from None
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            self._quit()
            raise TemporaryFailure(f"cannot reach SMTP server {host}: {exc}") from None
        return self

    def _connect(self, host: str) -> smtplib.SMTP:
        outbox = self.config.outbox
        if self.url.scheme == "smtps":
            return smtplib.SMTP_SSL(
                host, self.url.port or 465, timeout=outbox.timeout, context=self._context()
            )
        client = smtplib.SMTP(host, self.url.port or 25, timeout=outbox.timeout)
        self.client = client  # closed by _quit if what follows fails
        client.ehlo()
        if outbox.starttls != "never" and client.has_extn("starttls"):
            client.starttls(context=self._context())
            client.ehlo()
        elif outbox.starttls == "always":
            raise TemporaryFailure(f"{host} does not offer STARTTLS")
        return client

    def _token_login(self, client: smtplib.SMTP, host: str, user: str) -> None:
        """AUTH XOAUTH2 with the token in memory, then once with a fresh one (bot.oauth)."""
        client.ehlo_or_helo_if_needed()
        if "XOAUTH2" not in client.esmtp_features.get("auth", "").upper().split():
            raise TemporaryFailure(f"{host} does not offer XOAUTH2 login (outbox.auth = 'xoauth2')")
        assert self.config.outbox.token_command is not None  # the configuration checks it
        tokens = TokenCommand(self.config.outbox.token_command, "outbox.token_command")
        try:
            login_with_token(
                tokens,
                lambda token: client.auth("XOAUTH2", _xoauth2(user, token)),
                smtplib.SMTPAuthenticationError,
            )
        except smtplib.SMTPAuthenticationError as exc:
            said = exc.smtp_error
            said = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
            raise TemporaryFailure(
                f"SMTP login to {host} as {user} refused: {exc.smtp_code} {' '.join(said.split())}"
                " (a fresh token from outbox.token_command too)"
            ) from None

    def _quit(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (OSError, smtplib.SMTPException):
                self.client.close()
            self.client = None

    def __exit__(self, *exc_info) -> None:
        self._quit()

    def send(self, mail_id: int, sender: str, recipient: str, data: bytes) -> str | None:
        assert self.client is not None
        options: list[str] = []
        if not (sender.isascii() and recipient.isascii()):
            if not self.client.has_extn("smtputf8"):
                raise PermanentFailure("the address needs SMTPUTF8, which the server lacks")
            options.append("SMTPUTF8")
        try:
            reply = self._transaction(sender, recipient, data, options)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused: {codes}") from None
            raise TemporaryFailure(f"recipient deferred: {codes}", per_recipient=True) from None
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from None
            # 421 closes the connection (the server's problem); other 4xx are about this mail.
            raise TemporaryFailure(
                f"{exc.smtp_code} {exc.smtp_error!r}", per_recipient=exc.smtp_code != 421
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(str(exc) or type(exc).__name__) from None
        except UnicodeError as exc:
            raise PermanentFailure(f"cannot be encoded for SMTP: {exc}") from None
        return queue_id(reply)

    def _transaction(self, sender: str, recipient: str, data: bytes, options: list[str]) -> bytes:
        """MAIL, RCPT, DATA for one recipient (what ``sendmail`` does, keeping the server's
        reply to the data: it names the queue entry)."""
        client = self.client
        assert client is not None
        client.ehlo_or_helo_if_needed()
        if client.does_esmtp and client.has_extn("size"):
            options = [*options, f"SIZE={len(data)}"]
        code, reply = client.mail(sender, options)
        if code != 250:
            self._reset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            self._reset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        reach(Point.HANDING_OVER)
        code, reply = client.data(data)
        if code != 250:
            self._reset()
            raise smtplib.SMTPDataError(code, reply)
        return reply

    def _reset(self) -> None:
        try:
            if self.client is not None:
                self.client.rset()
        except smtplib.SMTPServerDisconnected:
            pass


def queue_id(reply: bytes) -> str:
    """The queue id in a server's "250" to the data ("2.0.0 Ok: queued as 4bX2"), else
    the reply itself."""
    text = " ".join(reply.decode("utf-8", "replace").split())
    found = _QUEUED_AS.search(text)
    return (found.group(1) if found else text)[:200]


_QUEUED_AS = re.compile(r"queued as ([\w.@<>-]+)", re.IGNORECASE)


def _xoauth2(user: str, token: str) -> Callable[..., str]:
    """smtplib's authobject: the XOAUTH2 string as the initial response; an empty reply to
    the server's error challenge (a JSON status), after which it answers 535."""

    def respond(challenge: bytes | None = None) -> str:
        return xoauth2_string(user, token) if not challenge else ""

    return respond
