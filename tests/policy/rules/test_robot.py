"""The ``robot`` rule: automatic replies and bounces are caught, with why; mail a person
wrote is not."""

import pytest

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Kind, Reason, ReasonCode
from tests.policy.rules.builders import analysis, facts

check = RULES["robot"].check


def test_an_automatic_reply_is_caught_with_the_reader_s_reason(forum):
    reading = analysis(kind=Kind.AUTO_REPLY, robot_reason="Auto-Submitted: auto-replied")
    assert check(facts(reading, forum)) == Hit(
        Reason(ReasonCode.ROBOT, {"detail": "Auto-Submitted: auto-replied"})
    )


def test_a_bounce_is_caught_with_the_reader_s_reason(forum):
    reading = analysis(kind=Kind.BOUNCE, robot_reason="delivery status notification")
    assert check(facts(reading, forum)) == Hit(
        Reason(ReasonCode.ROBOT, {"detail": "delivery status notification"})
    )


def test_without_a_reason_the_detail_is_the_kind(forum):
    reading = analysis(kind=Kind.BOUNCE)
    assert check(facts(reading, forum)) == Hit(Reason(ReasonCode.ROBOT, {"detail": "bounce"}))


def test_a_robot_is_caught_whether_or_not_an_event_matched():
    reading = analysis(kind=Kind.AUTO_REPLY, event=None, robot_reason="read receipt")
    assert check(facts(reading, None)) == Hit(Reason(ReasonCode.ROBOT, {"detail": "read receipt"}))


@pytest.mark.parametrize("kind", [Kind.NOMINATION, Kind.WITHDRAWAL, Kind.OTHER])
def test_mail_a_person_wrote_is_not_a_robot(forum, kind):
    reading = analysis("jane.mwangi@biosafetykenya.go.ke", kind=kind)
    assert check(facts(reading, forum)) is None
