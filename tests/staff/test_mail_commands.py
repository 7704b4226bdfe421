"""Reading staff commands from a message's own lines (``bot.staff.mail_commands``): the
verbs of every language, several targets, reasons, and what is not a command."""

from email import message_from_bytes, policy

import pytest

from bot.message.parse import parse_mail
from bot.reading.context import AnalysisContext
from bot.staff.mail_commands import own_lines, read_command, read_commands
from bot.vocab import Change


@pytest.mark.parametrize(
    "line, action, targets, reason",
    [
        ("ACCEPT 12", Change.ACCEPT, ("12",), None),
        ("accept #12, #13 15", Change.ACCEPT, ("12", "13", "15"), None),
        ("REJECT 14 duplicate of 9", Change.REJECT, ("14",), "duplicate of 9"),
        ("Reject: 14 – not a nominee", Change.REJECT, ("14",), "not a nominee"),
        ("WITHDRAW X@Example.org", Change.WITHDRAW, ("x@example.org",), None),
        ("WITHDRAW x@example.org<mailto:x@example.org>", Change.WITHDRAW, ("x@example.org",), None),
        ("  * ACCEPTER 7", Change.ACCEPT, ("7",), None),
        ("RECHAZAR 8 duplicado", Change.REJECT, ("8",), "duplicado"),
        ("Aceitar 9", Change.ACCEPT, ("9",), None),
        ("ПРИНЯТЬ 12 13", Change.ACCEPT, ("12", "13"), None),
        ("رفض 14 مكرر", Change.REJECT, ("14",), "مكرر"),
        ("接受 12", Change.ACCEPT, ("12",), None),
        ("撤回 wang.wei@mee.gov.cn", Change.WITHDRAW, ("wang.wei@mee.gov.cn",), None),
    ],
)
def test_commands_in_every_language(line, action, targets, reason):
    command = read_command(line)
    assert command is not None
    assert (command.action, command.targets, command.reason) == (action, targets, reason)
    assert command.clear


@pytest.mark.parametrize(
    "line", ["Thanks", "Accept my thanks for the digest", "ACCEPT", "Rejected by the board", ""]
)
def test_prose_is_not_a_command(line):
    assert read_command(line) is None


def test_an_acceptance_with_words_after_it_is_not_carried_out():
    command = read_command("Accept 3 of them")
    assert command is not None and not command.clear  # reported as not understood


def test_commands_are_read_only_from_the_senders_own_lines():
    raw = (
        b"From: Maria Ortiz <m.ortiz@cbd.int>\r\nTo: secretariat@cbd.int\r\n"
        b"Subject: Re: Nominations digest\r\nMessage-ID: <r1@cbd.int>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"ACCEPT 12\r\n\r\nMaria\r\n\r\n"
        b"On 13/07/2025 08:00, CBD Secretariat wrote:\r\n> REJECT 14 quoted\r\n> #14 pending\r\n"
    )
    assert message_from_bytes(raw, policy=policy.default)["From"]
    mail = parse_mail(raw)
    commands = read_commands(own_lines(mail, AnalysisContext(own_domains={"cbd.int"})))
    assert [(c.action, c.targets) for c in commands] == [(Change.ACCEPT, ("12",))]
