"""Sender authentication from the receiving server's Authentication-Results."""

import pytest

from bot.message.authres import check_sender, choose_header, evaluate
from bot.message.parse import parse_mail

FROM = "s.kiprono@environment.go.ke"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "mx.cbd.int; spf=pass smtp.mailfrom=environment.go.ke; dkim=pass "
            "header.d=environment.go.ke; dmarc=pass header.from=environment.go.ke",
            "pass",
        ),
        (
            "mx.cbd.int; spf=fail smtp.mailfrom=evil.example; dmarc=fail (p=reject) "
            "header.from=environment.go.ke",
            "fail",
        ),
        (
            "mx.cbd.int; spf=fail smtp.mailfrom=bounce.list.org; dkim=pass "
            "header.d=environment.go.ke",
            "pass",
        ),  # forwarded: SPF breaks, aligned DKIM holds
        (
            "mx.cbd.int; spf=fail smtp.mailfrom=evil.example; dkim=pass header.d=evil.example",
            "fail",
        ),  # a DKIM pass for someone else's domain proves nothing about the From
        ("mx.cbd.int; spf=softfail smtp.mailfrom=environment.go.ke; dkim=none", "none"),
        ("mx.cbd.int; spf=pass smtp.mailfrom=environment.go.ke; dkim=none; dmarc=none", "pass"),
        # The forger's own server passes SPF for the forger's domain: proves nothing.
        ("mx.cbd.int; spf=pass smtp.mailfrom=attacker.example; dkim=none; dmarc=none", "none"),
        # Microsoft 365 writes no authserv-id and runs its fields together.
        (
            "spf=pass (sender IP is 40.107.1.1) smtp.mailfrom=environment.go.ke; dkim=pass "
            "(signature was verified) header.d=environment.go.ke;dmarc=pass action=none "
            "header.from=environment.go.ke;compauth=pass reason=100",
            "pass",
        ),
        (
            "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=environment.go.ke; dkim=none "
            "(message not signed) header.d=none;dmarc=fail action=quarantine "
            "header.from=environment.go.ke;compauth=fail reason=000",
            "fail",
        ),
    ],
)
def test_verdicts(header, expected):
    assert evaluate(header, FROM).result == expected


def test_only_the_topmost_header_of_our_server_counts():
    ours = "mx.cbd.int; dmarc=fail header.from=environment.go.ke"
    forged = "mx.cbd.int; dmarc=pass header.from=environment.go.ke"
    other = "relay.example; dmarc=pass header.from=environment.go.ke"
    assert choose_header([ours, forged], "mx.cbd.int") == ours
    assert choose_header([other, ours], "mx.cbd.int") == ours
    assert choose_header([other], "mx.cbd.int") is None
    assert choose_header([other, ours], None) == other


def test_from_a_real_message():
    raw = (
        "Authentication-Results: mx.cbd.int; dmarc=fail (p=reject dis=none) "
        "header.from=environment.go.ke\r\n"
        "Authentication-Results: mx.cbd.int; dmarc=pass header.from=environment.go.ke\r\n"
        f"From: Samuel Kiprono <{FROM}>\r\nTo: secretariat@cbd.int\r\nSubject: x\r\n\r\nbody\r\n"
    ).encode()
    mail = parse_mail(raw)
    assert check_sender(mail, "mx.cbd.int").failed
    assert check_sender(parse_mail(raw.split(b"\r\n", 2)[2]), "mx.cbd.int").result == "none"
