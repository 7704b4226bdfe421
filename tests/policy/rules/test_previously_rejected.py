"""The ``previously_rejected`` rule: a re-nomination of a participant staff rejected
names that participant, so staff decide again."""

import pytest

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import ParticipantStatus, Reason, ReasonCode
from tests.policy.rules.builders import (
    ACHIENG,
    MUTISO,
    MWANGI,
    OTIENO,
    analysis,
    facts,
    registered,
)

check = RULES["previously_rejected"].check
REJECTED = ParticipantStatus.REJECTED


def test_a_rejected_participant_nominated_again_is_caught(forum):
    reading = analysis(MWANGI)
    assert check(facts(reading, forum, existing=[registered(MWANGI, REJECTED)])) == Hit(
        Reason(ReasonCode.REOPENED), (MWANGI,)
    )


def test_only_the_rejected_are_named_in_the_message_s_order(forum):
    existing = [registered(OTIENO, REJECTED), registered(ACHIENG), registered(MWANGI, REJECTED)]
    reading = analysis(MWANGI, ACHIENG, MUTISO, OTIENO)
    assert check(facts(reading, forum, existing=existing)) == Hit(
        Reason(ReasonCode.REOPENED), (MWANGI, OTIENO)
    )


@pytest.mark.parametrize(
    "status",
    [ParticipantStatus.CONFIRMED, ParticipantStatus.PENDING, ParticipantStatus.WITHDRAWN],
)
def test_other_statuses_are_not_a_reopening(forum, status):
    reading = analysis(MWANGI)
    assert check(facts(reading, forum, existing=[registered(MWANGI, status)])) is None


def test_new_nominees_are_not_caught(forum):
    assert check(facts(analysis(MWANGI, OTIENO), forum)) is None


def test_a_rejected_participant_being_withdrawn_is_not_a_reopening(forum):
    reading = analysis(MUTISO, withdrawn=[MWANGI])
    assert check(facts(reading, forum, existing=[registered(MWANGI, REJECTED)])) is None
