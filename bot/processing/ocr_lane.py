"""Messages whose reading needs OCR, decided in a thread of their own while the
ingestion cycle goes on with the others.

OCR of a scanned letter takes seconds, spent in tesseract and pdftoppm (programs of
their own, on another core); read inline it would keep every later message waiting.
During a cycle the ingestion thread reads under ``ocr.deferring``: a message that would
need OCR, and any later message of the same sender (so that one sender's messages are
decided in the order they came: a withdrawal after a scanned nomination), is handed to
this lane instead. Before that, a hold (a ``message_failure`` row with no failed attempt,
``hold_for_ocr``) keeps the mailbox's last UID below it, so a process killed meanwhile
fetches it again on restart. The lane decides its messages one at a time, in order, with
``process_message`` and OCR allowed (the transactions of the lane and of the cycle take
turns): the decision removes the hold in its own transaction, a failure counts as one
(bot.processing.failures). The message stays
claimed by this worker until the cycle ends; the cycle takes the lane's results as they
come, and waits for all of them before its last move and before it gives its claims back.
At most ``LANE_BYTES`` of messages wait in the lane; past that the ingestion thread
waits for room.
"""

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from bot.app import Services
from bot.inbox import InboxMessage
from bot.processing.dedupe import dedupe_key
from bot.processing.message import Processed, process_message
from bot.store.mailboxes import hold_for_ocr

log = logging.getLogger(__name__)
LANE_BYTES = 64 * 1024 * 1024


class OcrLane:
    """One cycle's lane: ``take`` a deferred message, ``results`` of those decided."""

    def __init__(self, services: Services, mailbox: str) -> None:
        self.services, self.mailbox = services, mailbox
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[tuple[InboxMessage, Future]] = []
        self._senders: Counter[str] = Counter()  # messages in the lane, by sender
        self._bytes = 0
        self._room = threading.Condition()

    def sender_waits(self, sender: str) -> bool:
        """Whether a message of ``sender`` (lower case) is in the lane."""
        with self._room:
            return self._senders[sender] > 0

    def take(self, message: InboxMessage, sender: str) -> None:
        """Hold ``message`` in the mailbox and queue it for the lane."""
        hold_for_ocr(self.services.engine, self.mailbox, message, dedupe_key(message.raw or b"")[0])
        size = len(message.raw or b"")
        with self._room:
            while self._bytes and self._bytes + size > LANE_BYTES:
                self._room.wait()
            self._bytes += size
            self._senders[sender] += 1
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="ocr-lane")
        future = self._executor.submit(self._decide, message, sender, size)
        self._pending.append((message, future))

    def _decide(self, message: InboxMessage, sender: str, size: int) -> Processed:
        try:
            return process_message(self.services, self.mailbox, message)
        finally:
            message.raw = None
            with self._room:
                self._bytes -= size
                self._senders[sender] -= 1
                self._room.notify_all()

    def results(self, wait: bool = False) -> Iterator[tuple[InboxMessage, Processed]]:
        """The lane's messages decided so far, in order (all of them when ``wait``). A
        database error of the lane is raised here, as the cycle's own."""
        while self._pending and (wait or self._pending[0][1].done()):
            message, future = self._pending.pop(0)
            yield message, future.result()

    def close(self) -> None:
        """Wait for the message being decided; what was not started stays held, for the
        next cycle (the cycle ended on an error, which the caller reports; the lane's
        own errors meanwhile are logged here)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        for message, future in self._pending:
            if not future.cancelled() and future.exception() is not None:
                log.warning("OCR lane: message %s not decided (%s)", message.key,
                            future.exception())  # fmt: skip
        self._pending = []
