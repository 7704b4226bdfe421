"""The ``over_quota`` rule: with ``max_per_government``, the nominees of a government
beyond the limit — counting those already active — are named, in the message's order;
a quota exactly filled is not caught."""

import pytest

from bot.policy.facts import Role
from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import ParticipantStatus, Reason, ReasonCode
from tests.policy.rules.builders import (
    ACHIENG,
    ASANTE,
    CASTILLO,
    HERNANDEZ,
    KIPRONO,
    LOPEZ,
    MARTINEZ,
    MUTISO,
    MWANGI,
    OTIENO,
    RUIZ,
    STRANGER,
    analysis,
    facts,
    nominee,
    registered,
)

check = RULES["over_quota"].check


def beyond(*addresses: str, country="MX", limit=2, already=0, more=3) -> Hit:
    params = {"country": country, "limit": str(limit), "already": str(already), "more": str(more)}
    return Hit(Reason(ReasonCode.OVER_QUOTA, params), addresses)


def mexico(*addresses: str):
    return analysis(*addresses, from_email=RUIZ)


def test_the_quota_exactly_filled_is_not_caught(quota_forum):
    assert check(facts(mexico(HERNANDEZ, CASTILLO), quota_forum)) is None


def test_one_over_the_quota_names_the_last_nominee(quota_forum):
    assert check(facts(mexico(HERNANDEZ, CASTILLO, MARTINEZ), quota_forum)) == beyond(MARTINEZ)


def test_every_nominee_past_the_limit_is_named_in_order(quota_forum):
    reading = mexico(HERNANDEZ, CASTILLO, MARTINEZ, LOPEZ)
    assert check(facts(reading, quota_forum)) == beyond(MARTINEZ, LOPEZ, more=4)


def test_participants_already_active_fill_the_quota_first(quota_forum):
    already = {"MX": 1}
    assert check(facts(mexico(CASTILLO), quota_forum, active=already)) is None
    assert check(facts(mexico(CASTILLO, MARTINEZ), quota_forum, active=already)) == beyond(
        MARTINEZ, already=1, more=2
    )


def test_a_full_government_has_no_room_left(quota_forum):
    assert check(facts(mexico(MARTINEZ), quota_forum, active={"MX": 2})) == beyond(
        MARTINEZ, already=2, more=1
    )


def test_a_government_already_over_has_no_room_either(quota_forum):
    reading = mexico(MARTINEZ, LOPEZ)
    assert check(facts(reading, quota_forum, active={"MX": 3})) == beyond(
        MARTINEZ, LOPEZ, already=3, more=2
    )


def test_a_nominee_sent_again_is_not_counted_twice(quota_forum):
    existing = [registered(HERNANDEZ, government="MX", nominated_by=RUIZ)]
    reading = mexico(HERNANDEZ, CASTILLO)
    assert check(facts(reading, quota_forum, existing=existing)) is None


def test_a_rejected_nominee_nominated_again_counts(quota_forum):
    existing = [registered(HERNANDEZ, ParticipantStatus.REJECTED, "MX", RUIZ)]
    reading = mexico(HERNANDEZ, CASTILLO, MARTINEZ)
    assert check(facts(reading, quota_forum, existing=existing)) == beyond(MARTINEZ)


def test_names_without_addresses_are_not_counted(quota_forum):
    reading = mexico(HERNANDEZ, nominee(None, "Biól. Ana Martínez"), CASTILLO)
    assert check(facts(reading, quota_forum)) is None


def test_only_the_sender_s_government_counts(quota_forum):
    assert check(facts(mexico(HERNANDEZ, CASTILLO), quota_forum, active={"KE": 2})) is None


def test_the_government_is_that_of_the_role_that_may_nominate(quota_forum):
    roles = [Role("KE", "BCH-FP"), Role("GH", "CBD-FP1")]
    reading = analysis(MWANGI, OTIENO, MUTISO, from_email=ASANTE)
    found = check(facts(reading, quota_forum, roles=roles, active={"KE": 2}))
    assert found == beyond(MUTISO, country="GH")


def test_a_sender_who_may_not_nominate_is_left_to_the_sender_rules(quota_forum):
    reading = analysis(HERNANDEZ, CASTILLO, MARTINEZ, from_email=STRANGER)
    assert check(facts(reading, quota_forum)) is None


def test_an_event_without_a_quota_is_never_caught(forum):
    reading = mexico(HERNANDEZ, CASTILLO, MARTINEZ, LOPEZ)
    assert check(facts(reading, forum, active={"MX": 40})) is None


@pytest.mark.parametrize(("limit", "caught"), [(3, False), (2, True)])
def test_the_event_file_sets_the_limit(make_event, limit, caught):
    event = make_event(max_per_government=limit)
    found = check(facts(mexico(HERNANDEZ, CASTILLO, MARTINEZ), event))
    assert found == (beyond(MARTINEZ, limit=limit) if caught else None)


def test_a_replacement_within_the_quota_is_not_caught(quota_forum):
    existing = [registered(MWANGI, nominated_by=KIPRONO), registered(OTIENO)]
    reading = analysis(ACHIENG, withdrawn=[MWANGI], from_email=KIPRONO)
    assert check(facts(reading, quota_forum, existing=existing)) is None
