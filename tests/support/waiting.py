"""Waiting for something a real server or process does, on the monotonic clock (which
time-machine leaves alone): the tests that drive ``nombot run`` share it."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    seconds: float,
    what: str,
    state: Callable[[], object] | None = None,
    interval: float = 0.05,
) -> T:
    """Poll ``predicate`` until it is true; on timeout say what was awaited (and what
    ``state()`` was then)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    details = f" ({state()})" if state is not None else ""
    raise AssertionError(f"timed out after {seconds} s waiting for {what}{details}")
