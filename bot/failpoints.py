"""Named moments of the pipeline where a fault-injection run kills the process.

The pipeline calls :func:`reach` at each moment whose loss matters (before the message
is stored, after its commit, around the MOVE, around the hand-over to the mail server).
Nothing happens unless the environment variable ``NOMBOT_KILL_AT`` names the moment and
how many times it must be reached first, ``POINT:COUNT`` (``after-commit:2`` kills the
process with SIGKILL the second time a message's transaction has committed). The test
suite uses it to prove that a process killed at any of these moments loses nothing and
sends nothing twice once restarted; in production the variable is unset and each call
is one dictionary lookup.

One stretch is left out of every plan but its own: between the mail server's "250" to
a mail's data and the commit that marks the outbox row sent, a kill makes the mail go
out again on restart, and SMTP has no way to close that window (RFC 1047). The outbox
runs it inside :func:`unclosable_window`; a kill planned in another thread (the
ingestion's) waits until the window is over, so a run proves what the bot promises and
not the protocol's known gap. ``handed-over`` kills inside the window on purpose. A
message's transaction runs inside it too: on SQLite a kill planned inside the
transaction (which holds the write lock) must not leave the outbox unable to mark a mail
sent. The window is a lock only while a kill is planned.
"""

import os
import signal
import threading
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum

ENVIRONMENT = "NOMBOT_KILL_AT"


class Point(StrEnum):
    """The moments, in the order a message passes them."""

    FETCHED = "fetched"  # the message's bytes are here; nothing stored yet
    READ = "read"  # parsed and read; its transaction not yet open
    STORED = "stored"  # raw bytes and inbound row written, not committed
    DECIDED = "decided"  # everything written, not committed
    COMMITTED = "after-commit"  # committed; not yet moved
    MOVED = "moved"  # moved on the server; the move not yet recorded
    CLAIMED = "claimed"  # an outbox row is claimed; the mail server not yet contacted
    HANDING_OVER = "handing-over"  # the mail server accepted the recipient; DATA not sent
    HANDED_OVER = "handed-over"  # the transport took the mail; not yet marked sent


def _plan(value: str | None) -> dict[str, int]:
    if not value:
        return {}
    name, _, count = value.partition(":")
    return {name.strip(): int(count) if count.strip().isdigit() else 1}


_PLAN = _plan(os.environ.get(ENVIRONMENT))
_REACHED: Counter = Counter()
_WINDOW = threading.RLock()


def unclosable_window() -> AbstractContextManager:
    """Hold planned kills of other threads back while a mail is being handed over."""
    return _WINDOW if _PLAN else nullcontext()


def reach(point: Point) -> None:
    """Count one passage of ``point``; kill this process if the plan says so."""
    if point.value not in _PLAN:
        return
    with _WINDOW:
        _REACHED[point.value] += 1
        if _REACHED[point.value] >= _PLAN[point.value]:
            os.kill(os.getpid(), signal.SIGKILL)
