"""The ``not_a_nomination`` rule: mail read as neither a nomination nor a withdrawal."""

import pytest

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Kind, Reason, ReasonCode
from tests.policy.rules.builders import analysis, facts

check = RULES["not_a_nomination"].check


def test_other_mail_is_caught(forum):
    assert check(facts(analysis(kind=Kind.OTHER), forum)) == Hit(
        Reason(ReasonCode.NOT_A_NOMINATION, {"detail": ""})
    )


def test_the_detail_is_the_reader_s_reason_when_it_gave_one(forum):
    reading = analysis(kind=Kind.OTHER, robot_reason="abuse report")
    assert check(facts(reading, forum)) == Hit(
        Reason(ReasonCode.NOT_A_NOMINATION, {"detail": "abuse report"})
    )


@pytest.mark.parametrize("kind", [Kind.NOMINATION, Kind.WITHDRAWAL, Kind.AUTO_REPLY, Kind.BOUNCE])
def test_other_kinds_are_not_caught(forum, kind):
    assert check(facts(analysis(kind=kind), forum)) is None
