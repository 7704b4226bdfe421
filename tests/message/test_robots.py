"""The robot checks, one by one: each called directly on a real message (as Mailman's rule
tests do) and through ``detect_robot``, where it must be the first check that catches."""

from pathlib import Path

import pytest

from bot.message.parse import ParsedMail, parse_mail
from bot.message.robots import (
    CHECKS,
    CHECKS_BY_NAME,
    LOOP_HEADER,
    RobotVerdict,
    cited_message_ids,
    detect_robot,
)
from bot.vocab import Kind
from tests.conftest import DATA

ROBOTS = DATA / "robots"
PERSON = DATA / "e2e" / "kenya.eml"  # a focal point's nomination: no check catches it


def _mail(path: Path) -> ParsedMail:
    return parse_mail(path.read_bytes())


def _caught(name: str, fixture: str, kind: Kind) -> RobotVerdict:
    """The check catches the fixture, gives ``kind``, and is the one detect_robot uses."""
    check = CHECKS_BY_NAME[name]
    mail = _mail(ROBOTS / fixture)
    direct = check.check(mail)
    assert direct is not None and direct.kind == kind and direct.reason
    assert check.check(_mail(PERSON)) is None
    verdict = detect_robot(mail)
    assert (verdict.check, verdict.kind, verdict.reason) == (name, kind, direct.reason)
    return verdict


def test_the_table_names_and_describes_every_check():
    assert len(CHECKS_BY_NAME) == len(CHECKS)
    for check in CHECKS:
        assert check.name.isidentifier() and check.description
        assert "\n" not in check.description and len(check.description) < 200
    assert detect_robot(_mail(PERSON)) == RobotVerdict(None)


def test_own_loop_stamp():
    verdict = _caught("own_loop_stamp", "own-mail-returned.eml", Kind.AUTO_REPLY)
    assert verdict.reason == "our own mail came back" and LOOP_HEADER == "X-Nombot-Loop"


def test_delivery_report_postfix():
    verdict = _caught("delivery_report", "postfix-dsn.eml", Kind.BOUNCE)
    assert (verdict.bounced, verdict.delayed) == (["kijitora@neko.example.jp"], [])


def test_delivery_report_office365():
    verdict = _caught("delivery_report", "office365-ndr.eml", Kind.BOUNCE)
    assert verdict.bounced == ["kijitora@example.onmicrosoft.com"]


def test_delivery_report_gmail():
    verdict = _caught("delivery_report", "gmail-dsn.eml", Kind.BOUNCE)
    assert verdict.bounced == ["userunknown@example.jp"]


def test_delivery_report_of_a_delay_names_no_failure():
    verdict = _caught("delivery_report", "gmail-delayed.eml", Kind.BOUNCE)
    assert (verdict.bounced, verdict.delayed) == ([], ["kijitora@example.jp"])


def test_bounce_content():
    verdict = _caught("bounce_content", "exchange2003-ndr.eml", Kind.BOUNCE)
    assert verdict.bounced == ["kijitora@example.jp"]


def test_mail_system_sender():
    verdict = _caught("mail_system_sender", "postfix-error-report.eml", Kind.BOUNCE)
    assert verdict.bounced == []


def test_read_receipt():
    _caught("read_receipt", "read-receipt.eml", Kind.AUTO_REPLY)


def test_abuse_report():
    _caught("abuse_report", "arf-feedback-report.eml", Kind.OTHER)


def test_auto_submitted():
    verdict = _caught("auto_submitted", "rfc3834-auto-submitted.eml", Kind.AUTO_REPLY)
    assert verdict.reason == "Auto-Submitted: auto-replied"


def test_autoreply_headers():
    verdict = _caught("autoreply_headers", "autoreply-header.eml", Kind.AUTO_REPLY)
    assert verdict.reason == "X-Autorespond header"


def test_precedence_auto_reply():
    _caught("precedence_auto_reply", "precedence-auto-reply.eml", Kind.AUTO_REPLY)


def test_auto_reply_subject():
    _caught("auto_reply_subject", "automatic-reply-subject.eml", Kind.AUTO_REPLY)


def test_robot_sender():
    verdict = _caught("robot_sender", "noreply-sender.eml", Kind.AUTO_REPLY)
    assert verdict.reason == "sent by no-reply@"


def test_null_return_path():
    _caught("null_return_path", "null-return-path.eml", Kind.AUTO_REPLY)


def test_challenge_response():
    _caught("challenge_response", "challenge-response.eml", Kind.AUTO_REPLY)


def test_precedence_bulk():
    verdict = _caught("precedence_bulk", "precedence-bulk.eml", Kind.OTHER)
    assert verdict.reason == "Precedence: bulk"


def test_list_headers():
    _caught("list_headers", "list-headers.eml", Kind.OTHER)


def test_spam_flag():
    _caught("spam_flag", "spam-flag.eml", Kind.OTHER)


def test_every_check_has_its_test():
    tests = [name for name in globals() if name.startswith("test_")]
    untested = [
        check
        for check in CHECKS_BY_NAME
        if not any(t == f"test_{check}" or t.startswith(f"test_{check}_") for t in tests)
    ]
    assert untested == []


@pytest.mark.parametrize(
    ("fixture", "cited"),
    [
        # the returned message (message/rfc822)
        ("robots/postfix-dsn.eml", "<20141024104625.9C81E2203D@vagrant-centos65.vagrantup.com>"),
        # the original's headers quoted as text
        ("robots/office365-ndr.eml", "<c302b7e8-9b97-40ef-90eb-313cc6c25133@NYAAAAN.example.org>"),
        ("robots/gmail-dsn.eml", "<D992C2C3-F175-4C4D-97E2-53A90E4E5BF5@gmail.com>"),
        # X-Original-Message-ID in the delivery-status part, and nothing else
        ("robots/gsuite-dsn-fields-only.eml", "<00222222-2222-2222-2222-FF00FFFF0000@example.jp>"),
        # text/rfc822-headers
        ("pipeline/bounce-jane.eml", "<175206990012.1234.5678.nombot@cbd.int>"),
    ],
)
def test_a_report_cites_the_message_it_is_about(fixture, cited):
    message = _mail(DATA / fixture).message
    found = cited_message_ids(message)
    assert found == [cited]
    assert str(message["Message-ID"]).strip() not in found  # never the report's own


def test_a_report_citing_nothing_cites_nothing():
    assert cited_message_ids(_mail(DATA / "pipeline" / "bounce-jane-verp.eml").message) == []
    assert cited_message_ids(_mail(PERSON).message) == []
