"""The ``no_open_event`` rule: a message that answers no open call for nominations."""

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import MUTISO, analysis, facts

check = RULES["no_open_event"].check


def test_no_event_is_caught_with_the_routing_reason():
    reading = analysis(MUTISO, event=None, route_reason="two open events match equally")
    assert check(facts(reading, None)) == Hit(
        Reason(ReasonCode.NO_OPEN_EVENT, {"detail": "two open events match equally"})
    )


def test_without_a_routing_reason_the_detail_says_no_match():
    reading = analysis(MUTISO, event=None)
    assert check(facts(reading, None)) == Hit(
        Reason(ReasonCode.NO_OPEN_EVENT, {"detail": "no match"})
    )


def test_a_message_with_its_event_is_not_caught(forum):
    assert check(facts(analysis(MUTISO), forum)) is None
