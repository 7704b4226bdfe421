"""The outbox: mail the bot has decided to send, and the transports that send it.

Mails are rendered and stored as rows in the same transaction as the decision that
caused them; ``flush`` hands them to the transport afterwards and marks them sent, so a
crash never loses a mail. A restart gives back at once the rows a killed process had
claimed (``flush.requeue_dead_claims``); sending one of them again is harmless
everywhere but in one window: with SMTP, a kill between the server's "250" to the data
and the commit that marks the row sent (one UPDATE) sends that mail a second time, with
the same Message-ID (RFC 1047 describes the same window between two servers). A Maildir
transport names each file after its row, so there a second hand-over writes nothing.
"""

from typing import Protocol

from bot.config import Config, parse_mail_url


class TemporaryFailure(Exception):
    """The transport could not take the mail now; try again later.

    ``per_recipient`` is True when a server refused this recipient for now (4xx on RCPT):
    that counts as an attempt. A connection problem does not.
    """

    def __init__(self, message: str, per_recipient: bool = False) -> None:
        super().__init__(message)
        self.per_recipient = per_recipient


class PermanentFailure(Exception):
    """The transport refused the mail for good (e.g. every recipient rejected)."""


class Transport(Protocol):
    def __enter__(self) -> "Transport": ...

    def __exit__(self, *exc_info) -> None: ...

    def send(self, mail_id: int, sender: str, recipient: str, data: bytes) -> str | None:
        """Deliver one mail and say what the other side took it as (a queue id, a file
        name); raise TemporaryFailure or PermanentFailure."""
        ...


def open_transport(config: Config) -> Transport:
    url = parse_mail_url(config.outbox.url)
    if url.scheme == "maildir":
        from bot.notify.outbox.maildir import MaildirTransport

        return MaildirTransport(config.path(url.path))
    from bot.notify.outbox.smtp import SmtpTransport

    return SmtpTransport(config, url)
