"""The ``no_address`` rule: a nomination with nobody the bot could write to — named
people without an address, or nobody at all; withdrawals are never caught."""

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Kind, Reason, ReasonCode
from tests.policy.rules.builders import MUTISO, OTIENO, analysis, facts, nominee

check = RULES["no_address"].check


def test_nominees_with_addresses_are_not_caught(forum):
    assert check(facts(analysis(MUTISO, OTIENO), forum)) is None


def test_named_people_without_addresses_are_caught_and_named_in_order(forum):
    reading = analysis(nominee(None, "Dr. Faith Njeri"), nominee(None, "Mr. Brian Kamau"))
    assert check(facts(reading, forum)) == Hit(
        Reason(ReasonCode.NO_ADDRESS, {"names": "Dr. Faith Njeri, Mr. Brian Kamau"})
    )


def test_one_addressed_nominee_is_enough(forum):
    reading = analysis(nominee(None, "Dr. Faith Njeri"), MUTISO)
    assert check(facts(reading, forum)) is None


def test_a_nomination_of_nobody_is_caught(forum):
    assert check(facts(analysis(), forum)) == Hit(Reason(ReasonCode.NO_PARTICIPANT))


def test_a_nominee_with_neither_name_nor_address_is_nobody(forum):
    assert check(facts(analysis(nominee(None)), forum)) == Hit(Reason(ReasonCode.NO_PARTICIPANT))


def test_a_withdrawal_is_not_caught(forum):
    reading = analysis(kind=Kind.WITHDRAWAL, withdrawn=[OTIENO])
    assert check(facts(reading, forum)) is None


def test_a_nomination_that_withdraws_someone_is_not_caught(forum):
    reading = analysis(nominee(None, "Ms. Lucy Achieng"), withdrawn=[OTIENO])
    assert check(facts(reading, forum)) is None
