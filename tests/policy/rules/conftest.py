"""Fixtures of the rule tests: the forum's event as staff wrote it, its quota variant,
and a writer of event files in a temporary rules folder."""

import pytest

from bot.policy.events import Event
from tests.policy.rules.builders import forum_event, quota_event, write_event


@pytest.fixture(scope="session")
def forum() -> Event:
    return forum_event()


@pytest.fixture(scope="session")
def quota_forum() -> Event:
    return quota_event()


@pytest.fixture
def make_event(tmp_path):
    """``make_event(**changes)``: the forum's event file with ``changes``, loaded."""

    def make(**changes: object) -> Event:
        return write_event(tmp_path / "rules", **changes)

    return make
