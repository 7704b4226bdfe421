"""The ``fallback_blocked`` rule: a fallback role (a CBD focal point) nominates only for
a government where nobody holds one of the event's ``fallback_blocked_by`` roles."""

from bot.policy.facts import Role
from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import ASANTE, MUTISO, STRANGER, WAMBUI, analysis, facts

check = RULES["fallback_blocked"].check


def test_a_cbd_focal_point_of_a_government_with_a_cpb_focal_point_is_caught(forum):
    assert check(facts(analysis(MUTISO, from_email=WAMBUI), forum, blocking={"KE"})) == Hit(
        Reason(
            ReasonCode.FALLBACK_BLOCKED,
            {"role": "CBD-FP1", "country": "KE", "blocking_roles": "CPB-FP1, CPB-FP2"},
        )
    )


def test_a_cbd_focal_point_of_a_government_without_one_is_not_caught(forum):
    assert check(facts(analysis(MUTISO, from_email=ASANTE), forum, blocking=set())) is None


def test_the_same_sender_is_not_caught_once_nobody_blocks_the_fallback(forum):
    assert check(facts(analysis(MUTISO, from_email=WAMBUI), forum, blocking=set())) is None


def test_only_the_blocked_government_counts(forum):
    reading = analysis(MUTISO, from_email=ASANTE)
    assert check(facts(reading, forum, blocking={"KE"})) is None


def test_a_direct_nominating_role_beside_a_blocked_fallback_is_not_caught(forum):
    roles = [Role("KE", "CBD-FP1"), Role("KE", "CPB-FP2")]
    reading = analysis(MUTISO, from_email=WAMBUI)
    assert check(facts(reading, forum, roles=roles, blocking={"KE"})) is None


def test_an_unblocked_fallback_for_another_government_is_enough(forum):
    roles = [Role("KE", "CBD-FP1"), Role("GH", "CBD-FP2")]
    reading = analysis(MUTISO, from_email=WAMBUI)
    assert check(facts(reading, forum, roles=roles, blocking={"KE"})) is None


def test_the_first_blocked_role_is_named(forum):
    roles = [Role("KE", "BCH-FP"), Role("KE", "CBD-FP2"), Role("UG", "CBD-FP1")]
    reading = analysis(MUTISO, from_email=WAMBUI)
    assert check(facts(reading, forum, roles=roles, blocking={"KE", "UG"})) == Hit(
        Reason(
            ReasonCode.FALLBACK_BLOCKED,
            {"role": "CBD-FP2", "country": "KE", "blocking_roles": "CPB-FP1, CPB-FP2"},
        )
    )


def test_the_event_file_names_the_blocking_roles(make_event):
    event = make_event(fallback_blocked_by=["CPB-FP1"])
    assert check(facts(analysis(MUTISO, from_email=WAMBUI), event, blocking={"KE"})) == Hit(
        Reason(
            ReasonCode.FALLBACK_BLOCKED,
            {"role": "CBD-FP1", "country": "KE", "blocking_roles": "CPB-FP1"},
        )
    )


def test_a_sender_without_roles_is_not_a_blocked_fallback(forum):
    assert check(facts(analysis(MUTISO, from_email=STRANGER), forum, blocking={"KE"})) is None
