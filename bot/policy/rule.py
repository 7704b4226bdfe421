"""What a rule is: a name that says what it catches, a description, and a check.

A check reads the ``Facts`` of one message and returns a ``Hit`` — the reason, as a code
the templates render in the recipient's language, and optionally the addresses it is
about — or None. Rules never write anything; the chain says what a hit does.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bot.policy.facts import Facts
from bot.vocab import Reason, ReasonCode


@dataclass(frozen=True)
class Hit:
    """A rule that caught: why, and which addresses it concerns (None: the whole message)."""

    reason: Reason
    subjects: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    check: Callable[[Facts], Hit | None]


def hit(code: ReasonCode, subjects: tuple[str, ...] | None = None, **params: object) -> Hit:
    """A ``Hit`` whose reason carries ``params`` as plain text."""
    return Hit(Reason(code, {k: str(v) for k, v in params.items()}), subjects)
