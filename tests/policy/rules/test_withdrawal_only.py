"""The ``withdrawal_only`` rule: a message that withdraws participants and nominates
nobody new is answered as a withdrawal."""

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Kind, ParticipantStatus, Reason, ReasonCode
from tests.policy.rules.builders import (
    ACHIENG,
    MWANGI,
    OTIENO,
    analysis,
    facts,
    nominee,
    registered,
)

check = RULES["withdrawal_only"].check


def test_a_withdrawal_is_caught(forum):
    reading = analysis(kind=Kind.WITHDRAWAL, withdrawn=[OTIENO])
    assert check(facts(reading, forum, existing=[registered(OTIENO)])) == Hit(
        Reason(ReasonCode.WITHDRAWAL_ONLY)
    )


def test_a_withdrawal_naming_only_registered_nominees_is_caught(forum):
    reading = analysis(MWANGI, withdrawn=[OTIENO])
    existing = [registered(MWANGI), registered(OTIENO)]
    assert check(facts(reading, forum, existing=existing)) == Hit(
        Reason(ReasonCode.WITHDRAWAL_ONLY)
    )


def test_a_withdrawal_naming_someone_without_an_address_is_caught(forum):
    reading = analysis(nominee(None, "Ms. Lucy Achieng"), withdrawn=[OTIENO])
    assert check(facts(reading, forum, existing=[registered(OTIENO)])) == Hit(
        Reason(ReasonCode.WITHDRAWAL_ONLY)
    )


def test_a_replacement_is_not_only_a_withdrawal(forum):
    reading = analysis(ACHIENG, withdrawn=[MWANGI])
    assert check(facts(reading, forum, existing=[registered(MWANGI)])) is None


def test_a_re_nomination_of_a_rejected_participant_is_new(forum):
    reading = analysis(ACHIENG, withdrawn=[MWANGI])
    existing = [registered(MWANGI), registered(ACHIENG, ParticipantStatus.REJECTED)]
    assert check(facts(reading, forum, existing=existing)) is None


def test_a_nomination_is_not_caught(forum):
    assert check(facts(analysis(MWANGI, OTIENO), forum)) is None
