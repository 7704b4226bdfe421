"""The ``all_duplicates`` rule: every addressed nominee is already registered (confirmed
or pending) and nothing is withdrawn."""

import pytest

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import ParticipantStatus, Reason, ReasonCode
from tests.policy.rules.builders import (
    ACHIENG,
    MWANGI,
    OTIENO,
    analysis,
    facts,
    nominee,
    registered,
)

check = RULES["all_duplicates"].check
PENDING = ParticipantStatus.PENDING


def test_the_same_nominees_sent_again_are_caught(forum):
    existing = [registered(MWANGI), registered(OTIENO, PENDING)]
    assert check(facts(analysis(MWANGI, OTIENO), forum, existing=existing)) == Hit(
        Reason(ReasonCode.ALL_DUPLICATES)
    )


def test_one_new_nominee_is_enough(forum):
    existing = [registered(MWANGI), registered(OTIENO)]
    reading = analysis(MWANGI, OTIENO, ACHIENG)
    assert check(facts(reading, forum, existing=existing)) is None


@pytest.mark.parametrize("status", [ParticipantStatus.REJECTED, ParticipantStatus.WITHDRAWN])
def test_a_nominee_no_longer_active_is_not_a_duplicate(forum, status):
    existing = [registered(MWANGI, status)]
    assert check(facts(analysis(MWANGI), forum, existing=existing)) is None


def test_names_without_addresses_beside_duplicates_do_not_count(forum):
    reading = analysis(MWANGI, nominee(None, "Ms. Lucy Achieng"))
    assert check(facts(reading, forum, existing=[registered(MWANGI)])) == Hit(
        Reason(ReasonCode.ALL_DUPLICATES)
    )


def test_a_message_without_addresses_is_not_caught(forum):
    assert check(facts(analysis(nominee(None, "Ms. Lucy Achieng")), forum)) is None


def test_duplicates_beside_a_withdrawal_are_not_caught(forum):
    existing = [registered(MWANGI), registered(OTIENO)]
    reading = analysis(MWANGI, withdrawn=[OTIENO])
    assert check(facts(reading, forum, existing=existing)) is None
