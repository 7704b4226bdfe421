"""The ``cue_less_from_stranger`` rule: a list of people with addresses that says nothing
of nominating is a nomination only when a focal point sends it."""

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import MWANGI, STRANGER, analysis, facts

check = RULES["cue_less_from_stranger"].check
NOT_SAID = Hit(
    Reason(ReasonCode.NOT_A_NOMINATION, {"detail": "a list of people, not said to nominate"})
)


def _uncued(**kwargs):
    reading = analysis(MWANGI, **kwargs)
    reading.cued = False
    return reading


def test_an_uncued_list_from_a_stranger_is_caught(forum):
    assert check(facts(_uncued(from_email=STRANGER), forum)) == NOT_SAID


def test_an_uncued_list_from_a_focal_point_is_a_nomination(forum):
    assert check(facts(_uncued(), forum)) is None


def test_a_stranger_who_says_they_nominate_is_left_to_the_other_rules(forum):
    reading = analysis(MWANGI, from_email=STRANGER)
    reading.cued = True
    assert check(facts(reading, forum)) is None
