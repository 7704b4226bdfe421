"""The ``not_a_nominating_role`` rule: a sender outside the directory, or holding only
roles that do not nominate for the event; senders who may nominate, and fallback roles
(left to ``fallback_blocked``), are not caught."""

import pytest

from bot.policy.facts import Role
from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import (
    ASANTE,
    BERGER,
    CARLING,
    KIPRONO,
    MUTISO,
    QUISPE,
    STRANGER,
    WAMBUI,
    WANJIRU,
    analysis,
    facts,
)

check = RULES["not_a_nominating_role"].check
FORUM_ROLES = "CPB-FP1, CPB-FP2, ORG-HEAD, IPLC"


def test_a_sender_in_no_directory_is_caught(forum):
    assert check(facts(analysis(MUTISO, from_email=STRANGER), forum)) == Hit(
        Reason(ReasonCode.NOT_IN_DIRECTORY)
    )


def test_a_role_that_does_not_nominate_is_caught_and_named(forum):
    assert check(facts(analysis(MUTISO, from_email=WANJIRU), forum)) == Hit(
        Reason(
            ReasonCode.ROLE_NOT_NOMINATING,
            {"roles": "BCH-FP", "nominating_roles": FORUM_ROLES},
        )
    )


def test_the_roles_are_named_once_each_in_order(forum):
    roles = [Role("KE", "BCH-FP"), Role("KE", "ABS-FP"), Role("UG", "BCH-FP")]
    assert check(facts(analysis(MUTISO, from_email=WANJIRU), forum, roles=roles)) == Hit(
        Reason(
            ReasonCode.ROLE_NOT_NOMINATING,
            {"roles": "ABS-FP, BCH-FP", "nominating_roles": FORUM_ROLES},
        )
    )


@pytest.mark.parametrize("sender", [KIPRONO, QUISPE, BERGER, CARLING])
def test_each_nominating_role_may_nominate(forum, sender):
    assert check(facts(analysis(MUTISO, from_email=sender), forum)) is None


def test_a_nominating_role_beside_others_may_nominate(forum):
    roles = [Role("KE", "BCH-FP"), Role("KE", "CPB-FP2")]
    assert check(facts(analysis(MUTISO, from_email=WANJIRU), forum, roles=roles)) is None


def test_a_fallback_role_where_the_government_has_no_cpb_focal_point_may_nominate(forum):
    assert check(facts(analysis(MUTISO, from_email=ASANTE), forum, blocking=set())) is None


def test_a_blocked_fallback_role_is_left_to_fallback_blocked(forum):
    assert check(facts(analysis(MUTISO, from_email=WAMBUI), forum, blocking={"KE"})) is None


def test_the_event_file_says_which_roles_nominate(make_event):
    event = make_event(nominating_roles=["CITES-MA"], fallback_roles=[])
    assert check(facts(analysis(MUTISO, from_email=KIPRONO), event)) == Hit(
        Reason(
            ReasonCode.ROLE_NOT_NOMINATING,
            {"roles": "CPB-FP1", "nominating_roles": "CITES-MA"},
        )
    )


def test_a_fallback_role_of_an_event_without_fallbacks_is_caught(make_event):
    event = make_event(fallback_roles=[])
    assert check(facts(analysis(MUTISO, from_email=ASANTE), event)) == Hit(
        Reason(
            ReasonCode.ROLE_NOT_NOMINATING,
            {"roles": "CBD-FP1", "nominating_roles": FORUM_ROLES},
        )
    )
