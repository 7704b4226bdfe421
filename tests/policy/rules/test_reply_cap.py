"""The ``reply_cap`` rule: a sender who already had the day's share of automatic
replies (``policy.daily_reply_cap``) gets no further one."""

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import MUTISO, analysis, facts

check = RULES["reply_cap"].check


def test_one_below_the_cap_is_not_caught(forum):
    assert check(facts(analysis(MUTISO), forum, replies_today=9)) is None


def test_a_sender_at_the_cap_is_caught(forum):
    assert check(facts(analysis(MUTISO), forum, replies_today=10)) == Hit(
        Reason(ReasonCode.REPLY_CAP, {"cap": "10"})
    )


def test_a_sender_beyond_the_cap_is_caught(forum):
    assert check(facts(analysis(MUTISO), forum, replies_today=11)) == Hit(
        Reason(ReasonCode.REPLY_CAP, {"cap": "10"})
    )


def test_the_configured_cap_counts(forum):
    reading = analysis(MUTISO)
    assert check(facts(reading, forum, daily_reply_cap=3, replies_today=2)) is None
    assert check(facts(reading, forum, daily_reply_cap=3, replies_today=3)) == Hit(
        Reason(ReasonCode.REPLY_CAP, {"cap": "3"})
    )


def test_a_first_message_is_not_caught(forum):
    assert check(facts(analysis(MUTISO), forum, replies_today=0)) is None


def test_a_message_without_a_sender_address_is_not_caught(forum):
    assert check(facts(analysis(MUTISO, from_email=""), forum, replies_today=50)) is None
