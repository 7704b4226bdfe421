"""The ``auth_failed`` rule: only a ``fail`` verdict of the receiving server is caught."""

import pytest

from bot.message.authres import AuthVerdict
from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import AuthResult, Reason, ReasonCode
from tests.policy.rules.builders import FAILED, MUTISO, PASSED, UNVERIFIED, analysis, facts

check = RULES["auth_failed"].check


def test_a_forged_from_is_caught_with_the_evidence(forum):
    assert check(facts(analysis(MUTISO), forum, auth=FAILED)) == Hit(
        Reason(ReasonCode.AUTH_FAILED, {"detail": "dmarc=fail"})
    )


def test_the_detail_is_the_verdict_s_own(forum):
    verdict = AuthVerdict(AuthResult.FAIL, "spf=fail and no aligned dkim=pass")
    assert check(facts(analysis(MUTISO), forum, auth=verdict)) == Hit(
        Reason(ReasonCode.AUTH_FAILED, {"detail": "spf=fail and no aligned dkim=pass"})
    )


@pytest.mark.parametrize("verdict", [PASSED, UNVERIFIED])
@pytest.mark.parametrize("required", [False, True])
def test_pass_and_none_are_not_failures(forum, verdict, required):
    reading = analysis(MUTISO)
    assert check(facts(reading, forum, auth=verdict, require_auth_header=required)) is None
