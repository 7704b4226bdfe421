"""The ``unverified_sender`` rule: a ``none`` verdict is caught only where the
configuration requires an ``Authentication-Results`` header."""

import pytest

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import FAILED, MUTISO, PASSED, UNVERIFIED, analysis, facts

check = RULES["unverified_sender"].check


def test_an_unverified_sender_is_caught_when_verification_is_required(forum):
    found = check(facts(analysis(MUTISO), forum, auth=UNVERIFIED, require_auth_header=True))
    assert found == Hit(Reason(ReasonCode.UNVERIFIED_SENDER, {"detail": "no decisive result"}))


def test_an_unverified_sender_passes_when_verification_is_not_required(forum):
    reading = analysis(MUTISO)
    assert check(facts(reading, forum, auth=UNVERIFIED, require_auth_header=False)) is None


@pytest.mark.parametrize("verdict", [PASSED, FAILED])
def test_a_verdict_is_not_unverified(forum, verdict):
    reading = analysis(MUTISO)
    assert check(facts(reading, forum, auth=verdict, require_auth_header=True)) is None
