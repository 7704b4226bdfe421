"""An aiosmtpd server in the test process that keeps every message it is given."""

import email
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.dovecot import free_port


@dataclass
class Captured:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class _Handler:
    messages: list[Captured] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply to RCPT

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages.append(
                Captured(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content or envelope.content,
                )
            )
        return "250 Message accepted for delivery"


class SmtpCapture:
    """Start/stop a capturing SMTP server on a free loopback port."""

    def __init__(
        self, port: int | None = None, refuse: dict[str, str] | None = None, smtputf8: bool = True
    ) -> None:
        self.handler = _Handler(refuse=refuse or {})
        self.port = port or free_port()
        self.smtputf8 = smtputf8
        self.controller = self._controller()

    def _controller(self) -> Controller:
        return Controller(
            self.handler, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8
        )

    def start(self) -> "SmtpCapture":
        self.controller.start()
        return self

    def restart(self) -> "SmtpCapture":
        """Listen again on the same port after ``stop`` (an outage ending), keeping what
        was captured."""
        self.controller = self._controller()
        return self.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Captured]:
        with self.handler.lock:
            return list(self.handler.messages)

    def clear(self) -> None:
        """Forget what was captured so far (a test's later steps count from here)."""
        with self.handler.lock:
            self.handler.messages.clear()

    def to(self, address: str) -> list[Captured]:
        return [m for m in self.messages if address in m.recipients]
