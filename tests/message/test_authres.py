"""Sender authentication from the receiving server's Authentication-Results."""

import pytest

from bot.message.authres import (
    AuthVerdict,
    aligned,
    check_sender,
    choose_header,
    evaluate,
    organisational_domain,
)
from bot.message.parse import ParsedMail, parse_mail
from bot.vocab import AuthResult

FROM = "s.kiprono@environment.go.ke"
OURS = "mx.cbd.int"

# Microsoft 365 writes no authserv-id and runs its fields together.
M365_PASS = (
    "spf=pass (sender IP is 40.107.1.1) smtp.mailfrom=environment.go.ke; dkim=pass "
    "(signature was verified) header.d=environment.go.ke;dmarc=pass action=none "
    "header.from=environment.go.ke;compauth=pass reason=100"
)
M365_FAIL = (
    "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=environment.go.ke; dkim=none "
    "(message not signed) header.d=none;dmarc=fail action=quarantine "
    "header.from=environment.go.ke;compauth=fail reason=000"
)


def mail_with(*headers: str) -> ParsedMail:
    """A message carrying these Authentication-Results values, top first."""
    raw = "".join(f"Authentication-Results: {h}\r\n" for h in headers)
    raw += f"From: Samuel Kiprono <{FROM}>\r\nTo: secretariat@cbd.int\r\n"
    raw += "Subject: x\r\n\r\nbody\r\n"
    return parse_mail(raw.encode())


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "mx.cbd.int; spf=pass smtp.mailfrom=environment.go.ke; dkim=pass "
            "header.d=environment.go.ke; dmarc=pass header.from=environment.go.ke",
            AuthResult.PASS,
        ),
        (
            "mx.cbd.int; spf=fail smtp.mailfrom=evil.example; dmarc=fail (p=reject) "
            "header.from=environment.go.ke",
            AuthResult.FAIL,
        ),
        (
            "mx.cbd.int; spf=fail smtp.mailfrom=bounce.list.org; dkim=pass "
            "header.d=environment.go.ke",
            AuthResult.PASS,
        ),  # forwarded: SPF breaks, aligned DKIM holds
        (
            "mx.cbd.int; spf=fail smtp.mailfrom=evil.example; dkim=pass header.d=evil.example",
            AuthResult.FAIL,
        ),  # a DKIM pass for someone else's domain proves nothing about the From
        ("mx.cbd.int; spf=softfail smtp.mailfrom=environment.go.ke; dkim=none", AuthResult.NONE),
        (
            "mx.cbd.int; spf=pass smtp.mailfrom=environment.go.ke; dkim=none; dmarc=none",
            AuthResult.PASS,
        ),
        # The forger's own server passes SPF for the forger's domain: proves nothing.
        (
            "mx.cbd.int; spf=pass smtp.mailfrom=attacker.example; dkim=none; dmarc=none",
            AuthResult.NONE,
        ),
        ("mx.cbd.int; compauth=fail reason=000", AuthResult.FAIL),
        ("mx.cbd.int; dkim=fail header.d=environment.go.ke; compauth=pass", AuthResult.PASS),
        (M365_PASS, AuthResult.PASS),
        (M365_FAIL, AuthResult.FAIL),
        # Folded over several lines, with comments and a version, as Postfix writes it.
        (
            "mx.cbd.int 1;\r\n\tspf=pass (mx.cbd.int: domain of s.kiprono@environment.go.ke "
            "designates 192.0.2.70 as permitted sender) smtp.mailfrom=s.kiprono@environment.go.ke;"
            "\r\n\tdkim=pass (2048-bit key) header.d=environment.go.ke header.i=@environment.go.ke",
            AuthResult.PASS,
        ),
    ],
)
def test_verdicts(header, expected):
    verdict = evaluate(header, FROM)
    assert verdict.result is expected
    assert verdict.failed == (expected is AuthResult.FAIL)


# Alignment: the organisational domain from the Public Suffix List. ---------------------


def test_a_sibling_under_a_public_suffix_is_not_aligned():
    # go.ke is a public suffix: attacker.go.ke and environment.go.ke are two registrants.
    assert not aligned("attacker.go.ke", "environment.go.ke")
    assert organisational_domain("attacker.go.ke") == "attacker.go.ke"
    verdict = evaluate("mx.cbd.int; dkim=pass header.d=attacker.go.ke; spf=none", FROM)
    assert verdict.result is AuthResult.NONE
    assert evaluate("mx.cbd.int; dkim=pass header.d=attacker.go.ke; spf=fail", FROM).failed
    spf = "mx.cbd.int; spf=pass smtp.mailfrom=bounce@attacker.go.ke; dkim=none"
    assert evaluate(spf, FROM).result is AuthResult.NONE


def test_a_subdomain_of_the_from_domain_is_aligned():
    assert aligned("mail.environment.go.ke", "environment.go.ke")
    assert aligned("environment.go.ke", "mail.environment.go.ke")
    dkim = "mx.cbd.int; dkim=pass header.d=mail.environment.go.ke; spf=fail"
    assert evaluate(dkim, FROM).result is AuthResult.PASS
    identity = "mx.cbd.int; dkim=pass header.i=@Mail.Environment.GO.KE"
    assert evaluate(identity, FROM).result is AuthResult.PASS
    spf = "mx.cbd.int; spf=pass smtp.mailfrom=bounces@lists.environment.go.ke"
    assert evaluate(spf, FROM).result is AuthResult.PASS


@pytest.mark.parametrize(
    ("domain", "from_domain", "expected"),
    [
        ("gmail.com", "gmail.com", True),
        ("GMAIL.COM.", "gmail.com", True),
        ("googlemail.com", "gmail.com", False),
        ("news.bbc.co.uk", "bbc.co.uk", True),
        ("evil.co.uk", "bbc.co.uk", False),
        ("co.uk", "bbc.co.uk", False),  # a public suffix is nobody's organisation
        ("go.ke", "go.ke", True),  # but a domain is aligned with itself
        ("xn--bcher-kva.de", "bücher.de", True),
        ("", "environment.go.ke", False),
        ("environment.go.ke", "", False),
    ],
)
def test_alignment(domain, from_domain, expected):
    assert aligned(domain, from_domain) is expected


# Which header is trusted. --------------------------------------------------------------


def test_only_the_topmost_header_of_our_server_counts():
    ours = "mx.cbd.int; dmarc=fail header.from=environment.go.ke"
    forged = "mx.cbd.int; dmarc=pass header.from=environment.go.ke"
    other = "relay.example; dmarc=pass header.from=environment.go.ke"
    assert choose_header([ours, forged], OURS) == ours
    assert choose_header([other, ours], OURS) == ours
    assert choose_header([ours, other], OURS) == ours
    assert choose_header([other], OURS) is None
    assert choose_header([], OURS) is None
    assert choose_header(["MX.CBD.INT; dmarc=pass"], OURS) == "MX.CBD.INT; dmarc=pass"
    assert choose_header(["mx.cbd.int; none"], "MX.cbd.INT") == "mx.cbd.int; none"


def test_without_a_configured_server_no_header_is_trusted():
    ours = "mx.cbd.int; dmarc=pass header.from=environment.go.ke"
    assert choose_header([ours], None) is None
    assert choose_header([M365_PASS], None) is None
    for authserv_id in (None, "", "  "):
        verdict = check_sender(mail_with(ours), authserv_id)
        assert verdict.result is AuthResult.NONE
        assert "no receiving server is configured" in verdict.detail
    failing = check_sender(mail_with("mx.cbd.int; dmarc=fail header.from=environment.go.ke"), None)
    assert (failing.result, failing.failed) == (AuthResult.NONE, False)


def test_a_header_from_another_server_is_ignored_wherever_it_is():
    other_pass = "relay.example; dkim=pass header.d=environment.go.ke; dmarc=pass"
    ours_fail = "mx.cbd.int; dmarc=fail (p=reject) header.from=environment.go.ke"
    assert check_sender(mail_with(other_pass, ours_fail), OURS).failed  # ours below decides
    assert check_sender(mail_with(ours_fail, other_pass), OURS).failed  # ours above decides
    ours_pass = "mx.cbd.int; dkim=pass header.d=environment.go.ke"
    other_fail = "relay.example; dmarc=fail header.from=environment.go.ke"
    assert check_sender(mail_with(other_fail, ours_pass), OURS).result is AuthResult.PASS
    alone = check_sender(mail_with(other_pass), OURS)
    assert alone.result is AuthResult.NONE
    assert alone.detail == "no Authentication-Results from mx.cbd.int"


def test_a_forged_lower_header_is_ignored():
    # The sender wrote the lower header itself; our server's topmost one says fail.
    ours = "mx.cbd.int; spf=softfail smtp.mailfrom=relay.example; dmarc=fail"
    forged = "mx.cbd.int; spf=pass smtp.mailfrom=environment.go.ke; dmarc=pass"
    assert check_sender(mail_with(ours, forged), OURS).failed
    # An unreadable topmost header of ours is not replaced by a readable forged one.
    broken = "mx.cbd.int; dkim"
    verdict = check_sender(mail_with(broken, forged), OURS)
    assert verdict.result is AuthResult.NONE
    assert "unreadable" in verdict.detail


def test_microsoft_365_id_less_header_only_on_top():
    assert choose_header([M365_PASS], OURS) == M365_PASS
    assert check_sender(mail_with(M365_PASS), OURS).result is AuthResult.PASS
    assert check_sender(mail_with(M365_FAIL), OURS).failed
    # Below the top it could have been written by anyone: ignored.
    ours = "mx.cbd.int; spf=none smtp.mailfrom=environment.go.ke; dkim=none"
    assert choose_header([ours, M365_PASS], OURS) == ours
    assert choose_header(["relay.example; dmarc=fail", M365_PASS], OURS) is None
    assert check_sender(mail_with(ours, M365_PASS), OURS).result is AuthResult.NONE
    # Microsoft's sibling under a public suffix is not aligned either.
    sibling = M365_PASS.replace("header.d=environment.go.ke", "header.d=attacker.go.ke")
    sibling = sibling.replace("dmarc=pass", "dmarc=none").replace("compauth=pass", "compauth=none")
    sibling = sibling.replace("smtp.mailfrom=environment.go.ke", "smtp.mailfrom=attacker.go.ke")
    assert evaluate(sibling, FROM).result is AuthResult.NONE


def test_microsoft_365_with_a_trailing_semicolon_and_nested_comments():
    header = (
        "spf=pass (sender IP is 40.107.1.1 (outbound)) smtp.mailfrom=mail.environment.go.ke; "
        "dkim=none (message not signed) header.d=none;dmarc=none action=none "
        "header.from=environment.go.ke;"
    )
    verdict = evaluate(header, FROM)
    assert verdict == AuthVerdict(AuthResult.PASS, "spf=pass aligned with the From domain")


@pytest.mark.parametrize(
    "header",
    [
        "",
        "   ",
        ";;;",
        "mx.cbd.int",
        "mx.cbd.int; dkim",
        "mx.cbd.int; dkim=",
        "mx.cbd.int; dkim=pass (unclosed comment header.d=environment.go.ke",
        "mx.cbd.int; dkim=pass header.d=environment.go.ke; spf=pass smtp.mailfrom=<a@b>",
        "mx.cbd.int; " + "(" * 5000 + "dkim=pass",
        "spf=",
        "dkim=pass (" + "(" * 5000,
        "\x00\x01 garbage ====",
    ],
)
def test_a_malformed_header_gives_none_not_an_exception(header):
    assert evaluate(header, FROM).result is AuthResult.NONE
    assert check_sender(mail_with(header), OURS).result is AuthResult.NONE


def test_none_and_empty_results():
    assert evaluate("mx.cbd.int; none", FROM) == AuthVerdict(
        AuthResult.NONE, "no results in the header"
    )
    assert evaluate("mx.cbd.int; dkim=pass header.d=environment.go.ke", "").result is (
        AuthResult.NONE
    )


def test_from_a_real_message():
    raw = (
        "Authentication-Results: mx.cbd.int; dmarc=fail (p=reject dis=none) "
        "header.from=environment.go.ke\r\n"
        "Authentication-Results: mx.cbd.int; dmarc=pass header.from=environment.go.ke\r\n"
        f"From: Samuel Kiprono <{FROM}>\r\nTo: secretariat@cbd.int\r\nSubject: x\r\n\r\nbody\r\n"
    ).encode()
    mail = parse_mail(raw)
    assert check_sender(mail, OURS).failed
    no_header = check_sender(parse_mail(raw.split(b"\r\n", 2)[2]), OURS)
    assert no_header.result is AuthResult.NONE
    assert check_sender(mail, None).result is AuthResult.NONE
