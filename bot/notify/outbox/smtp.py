"""Outgoing mail through SMTP: plain, STARTTLS or implicit TLS, with AUTH when configured."""

import smtplib
import ssl

from bot.config import Config, MailUrl, secret
from bot.notify.outbox import PermanentFailure, TemporaryFailure
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
        try:
            if self.url.scheme == "smtps":
                self.client = smtplib.SMTP_SSL(
                    host, self.url.port or 465, timeout=outbox.timeout, context=self._context()
                )
            else:
                self.client = smtplib.SMTP(host, self.url.port or 25, timeout=outbox.timeout)
                self.client.ehlo()
                if outbox.starttls != "never" and self.client.has_extn("starttls"):
                    self.client.starttls(context=self._context())
                    self.client.ehlo()
                elif outbox.starttls == "always":
                    raise TemporaryFailure(f"{host} does not offer STARTTLS")
            username = outbox.username or self.url.username
            if username:
                self.client.login(username, secret(outbox.password_env, "outbox.password_env"))
        except smtplib.SMTPAuthenticationError as exc:
            self._quit()
            raise TemporaryFailure(f"SMTP login refused: {exc.smtp_code}") from None
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            self._quit()
            raise TemporaryFailure(f"cannot reach SMTP server {host}: {exc}") from None
        return self

    def _quit(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (OSError, smtplib.SMTPException):
                self.client.close()
            self.client = None

    def __exit__(self, *exc_info) -> None:
        self._quit()

    def send(self, mail_id: int, sender: str, recipient: str, data: bytes) -> None:
        assert self.client is not None
        options: list[str] = []
        if not (sender.isascii() and recipient.isascii()):
            if not self.client.has_extn("smtputf8"):
                raise PermanentFailure("the address needs SMTPUTF8, which the server lacks")
            options.append("SMTPUTF8")
        try:
            refused = self.client.sendmail(sender, [recipient], data, mail_options=options)
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
        if refused:
            raise PermanentFailure(f"recipient refused: {refused}")
