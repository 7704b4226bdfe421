"""The ``withdrawal_not_permitted`` rule: a registered participant is withdrawn only by
their nominator or by a focal point who may nominate for the same government; every
other withdrawal, and one of an address not registered, is named as refused."""

import pytest

from bot.policy.facts import Role
from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Kind, ParticipantStatus, Reason, ReasonCode
from tests.policy.rules.builders import (
    ASANTE,
    KIPRONO,
    MUTISO,
    MWANGI,
    OTIENO,
    RUIZ,
    STRANGER,
    WAMBUI,
    analysis,
    facts,
    registered,
)

check = RULES["withdrawal_not_permitted"].check
KE_CPB_FP2 = "m.njoroge@environment.go.ke"


def withdrawal(sender: str, *addresses: str):
    return analysis(kind=Kind.WITHDRAWAL, from_email=sender, withdrawn=list(addresses))


def refused(*addresses: str) -> Hit:
    return Hit(Reason(ReasonCode.WITHDRAWAL_REFUSED), addresses)


def test_the_nominator_may_withdraw(forum):
    existing = [registered(OTIENO, nominated_by=KIPRONO)]
    assert check(facts(withdrawal(KIPRONO, OTIENO), forum, existing=existing)) is None


def test_the_nominator_may_withdraw_a_pending_participant(forum):
    existing = [registered(OTIENO, ParticipantStatus.PENDING, nominated_by=KIPRONO)]
    assert check(facts(withdrawal(KIPRONO, OTIENO), forum, existing=existing)) is None


def test_another_focal_point_of_the_same_government_may_withdraw(forum):
    existing = [registered(OTIENO, government="KE", nominated_by=KIPRONO)]
    roles = [Role("KE", "CPB-FP2", "Mary Njoroge", "en")]
    reading = withdrawal(KE_CPB_FP2, OTIENO)
    assert check(facts(reading, forum, roles=roles, existing=existing)) is None


def test_a_fallback_focal_point_that_may_nominate_may_withdraw(forum):
    existing = [registered(MUTISO, government="GH", nominated_by="someone@epa.gov.gh")]
    assert check(facts(withdrawal(ASANTE, MUTISO), forum, existing=existing)) is None


def test_a_blocked_fallback_focal_point_of_the_same_government_may_not(forum):
    existing = [registered(OTIENO, government="KE", nominated_by=KIPRONO)]
    reading = withdrawal(WAMBUI, OTIENO)
    assert check(facts(reading, forum, existing=existing, blocking={"KE"})) == refused(OTIENO)


def test_a_focal_point_of_another_government_may_not(forum):
    existing = [registered(OTIENO, government="KE", nominated_by=KIPRONO)]
    assert check(facts(withdrawal(RUIZ, OTIENO), forum, existing=existing)) == refused(OTIENO)


def test_a_stranger_may_not(forum):
    existing = [registered(OTIENO, government="KE", nominated_by=KIPRONO)]
    reading = withdrawal(STRANGER, OTIENO)
    assert check(facts(reading, forum, existing=existing)) == refused(OTIENO)


def test_the_nominator_may_withdraw_without_a_role_any_more(forum):
    existing = [registered(OTIENO, nominated_by=STRANGER)]
    assert check(facts(withdrawal(STRANGER, OTIENO), forum, existing=existing)) is None


def test_an_address_not_registered_is_refused(forum):
    assert check(facts(withdrawal(KIPRONO, OTIENO), forum)) == refused(OTIENO)


@pytest.mark.parametrize("status", [ParticipantStatus.WITHDRAWN, ParticipantStatus.REJECTED])
def test_a_participant_no_longer_active_is_refused(forum, status):
    existing = [registered(OTIENO, status, nominated_by=KIPRONO)]
    reading = withdrawal(KIPRONO, OTIENO)
    assert check(facts(reading, forum, existing=existing)) == refused(OTIENO)


def test_only_the_refused_are_named_in_the_message_s_order(forum):
    existing = [
        registered(MWANGI, nominated_by=KIPRONO),
        registered(OTIENO, government="MX", nominated_by=RUIZ),
    ]
    reading = withdrawal(KIPRONO, "nobody@example.org", MWANGI, OTIENO)
    assert check(facts(reading, forum, existing=existing)) == refused("nobody@example.org", OTIENO)


def test_a_message_that_withdraws_nobody_is_not_caught(forum):
    assert check(facts(analysis(MUTISO), forum)) is None
