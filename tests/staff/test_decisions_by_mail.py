"""Decisions by e-mail, end to end: a real Dovecot inbox, the capture SMTP server and
``nombot`` as a secretariat runs it, on SQLite and PostgreSQL.

Kenya's late nomination leaves two participants pending; the digest goes to the staff
member; the staff member replies to it with ``ACCEPT`` and ``REJECT`` lines above the
quoted digest, signed for ``cbd.int`` as the receiving server (``mx.cbd.int``) attests.
The same lines from a focal point, from the staff address with ``dmarc=fail``, or only
inside the quoted digest change nothing.
"""

import json
import tomllib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from bot.store.models import Decision
from tests.conftest import DATA, Bot, write_config

LATE = datetime(2025, 7, 12, 14, 0, tzinfo=UTC)  # after the cb-forum-2025 deadline
OFFICER = "m.ortiz@cbd.int"
JANE = "jane.mwangi@biosafetykenya.go.ke"
PETER = "p.otieno@kephis.go.ke"
KIPRONO = "s.kiprono@environment.go.ke"  # Kenya's CPB focal point, who nominated them


@pytest.fixture
def staff_bot(imap_bot: Bot) -> Bot:
    """``imap_bot`` trusting mx.cbd.int, with one staff member who gets the digest."""
    config = tomllib.loads(imap_bot.config.read_text())
    config["inbox"]["authserv_id"] = "mx.cbd.int"
    config["staff"] = {"addresses": [OFFICER.upper()]}  # compared without case
    config["digest"] = {"to": [OFFICER]}
    sections = {k: v for k, v in config.items() if isinstance(v, dict)}
    top = {k: v for k, v in config.items() if not isinstance(v, dict)}
    write_config(imap_bot.config, {"": top, **sections})
    return imap_bot


def participants(bot: Bot) -> dict[str, dict]:
    rows = json.loads(bot.run("participants", "--format", "json").stdout)
    return {row["email"]: row for row in rows}


def sent_to(smtp, address: str) -> list:
    return smtp.to(address)


def reply_to_digest(
    digest, body: str, sender: str = OFFICER, dmarc: str = "pass", in_quote: str = ""
) -> bytes:
    """A staff reply as Thunderbird writes it: the lines, then the digest quoted (with
    ``in_quote`` lines at the top of the quote, as if the digest had held them)."""
    message = EmailMessage()
    domain = sender.rpartition("@")[2]
    message["Authentication-Results"] = (
        f"mx.cbd.int; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={domain};"
        f" dmarc={dmarc} header.from={domain}"
    )
    message["From"] = f"Maria Ortiz <{sender}>"
    message["To"] = "secretariat@cbd.int"
    message["Subject"] = f"Re: {digest['Subject']}"
    message["Date"] = format_datetime(LATE + timedelta(days=1))
    message["Message-ID"] = make_msgid(domain=domain)
    message["In-Reply-To"] = digest["Message-ID"]
    message["References"] = digest["Message-ID"]
    original = in_quote + digest.get_body(("plain",)).get_content()
    text = body + "\n\nOn 13/07/2025 08:00, CBD Secretariat wrote:\n"
    text += "\n".join(f"> {line}" for line in original.splitlines())
    message.set_content(text)
    return bytes(message)


def deliver(bot: Bot, mailbox, raw: bytes) -> None:
    mailbox.append(raw, LATE + timedelta(days=1))
    bot.run("poll")


@pytest.fixture
def digest(staff_bot: Bot, mailbox, smtp):
    """Kenya's two late nominees pending, and the digest the staff member received."""
    mailbox.append((DATA / "e2e" / "kenya.eml").read_bytes(), LATE)
    staff_bot.run("poll")
    rows = participants(staff_bot)
    assert {rows[JANE]["status"], rows[PETER]["status"]} == {"pending"}
    staff_bot.run("digest", "--send")
    staff_bot.run("poll")  # sends what is queued
    [digest] = [m.message for m in sent_to(smtp, OFFICER)]
    text = digest.get_body(("plain",)).get_content()
    for email in (JANE, PETER):
        assert f"#{rows[email]['id']} " in text and email in text
    assert "ACCEPT 12, REJECT 14 reason" in text  # how to decide by replying
    smtp.clear()
    return digest


def test_staff_accept_and_reject_by_replying_to_the_digest(staff_bot, mailbox, smtp, digest):
    ids = {email: row["id"] for email, row in participants(staff_bot).items()}
    lines = f"ACCEPT {ids[JANE]}\nREJECT #{ids[PETER]} duplicate of an earlier nomination\n\nMaria"
    deliver(staff_bot, mailbox, reply_to_digest(digest, lines))

    rows = participants(staff_bot)
    assert rows[JANE]["status"] == "confirmed"
    assert rows[PETER]["status"] == "rejected"
    [confirmation] = [m.message for m in sent_to(smtp, OFFICER)]
    assert confirmation["In-Reply-To"] == mailbox_last_message_id(staff_bot)
    assert confirmation["Auto-Submitted"] == "auto-replied"
    text = confirmation.get_body(("plain",)).get_content()
    assert f"#{ids[JANE]} Jane Mwangi <{JANE}> (cb-forum-2025): accepted." in text
    assert f"#{ids[PETER]} Peter Otieno <{PETER}> (cb-forum-2025): rejected." in text
    # The participants and the focal point hear of it; the reason reaches them.
    [rejection] = [m.message for m in sent_to(smtp, PETER)]
    assert "duplicate of an earlier nomination" in rejection.get_body(("plain",)).get_content()
    assert sent_to(smtp, JANE) and len(sent_to(smtp, KIPRONO)) == 2
    # Who decided, when and why, in the history; the message was filed as processed.
    [decision] = decisions(staff_bot, ids[PETER])
    assert (decision.actor, decision.action) == (OFFICER, "reject")
    assert decision.reason == "duplicate of an earlier nomination"
    assert decision.note.startswith("decided by e-mail")
    staff_mail = staff_bot.messages()[-1]
    assert staff_mail["outcome"] == "staff_commands"
    [(_, filed, _)] = mailbox.messages("Nominations-Processed")  # the late one is in review
    assert staff_mail["message_id"].encode() in filed

    # The same lines again do nothing the second time, and say so once.
    smtp.clear()
    deliver(staff_bot, mailbox, reply_to_digest(digest, lines))
    assert participants(staff_bot) == rows
    [again] = [m.message for m in sent_to(smtp, OFFICER)]
    assert "already confirmed; nothing changed" in again.get_body(("plain",)).get_content()
    assert sent_to(smtp, JANE) == sent_to(smtp, PETER) == sent_to(smtp, KIPRONO) == []


def mailbox_last_message_id(bot: Bot) -> str:
    return bot.messages()[-1]["message_id"]


def decisions(bot: Bot, participant_id: int) -> list[Decision]:
    """The staff decisions on one participant (not the nomination that registered it)."""
    engine = create_engine(tomllib.loads(bot.config.read_text())["database"]["url"])
    try:
        with Session(engine) as session:
            query = select(Decision).where(
                Decision.participant_id == participant_id, Decision.action != "nominate"
            )
            return list(session.exec(query).all())
    finally:
        engine.dispose()


COMMANDS = "ACCEPT {jane}\nREJECT {peter} not eligible"


@pytest.mark.parametrize(
    "sender, dmarc, body, in_quote",
    [
        pytest.param(KIPRONO, "pass", COMMANDS, "", id="not-staff"),
        pytest.param(OFFICER, "fail", COMMANDS, "", id="dmarc-fail"),
        pytest.param(OFFICER, "pass", "Thanks, looking at it.", COMMANDS, id="only-quoted"),
    ],
)
def test_lines_that_must_change_nothing(
    staff_bot, mailbox, smtp, digest, sender, dmarc, body, in_quote
):
    before = participants(staff_bot)
    ids = {"jane": before[JANE]["id"], "peter": before[PETER]["id"]}
    quoted = in_quote.format(**ids) + "\n" if in_quote else ""
    deliver(staff_bot, mailbox, reply_to_digest(digest, body.format(**ids), sender, dmarc, quoted))

    assert participants(staff_bot) == before
    assert sent_to(smtp, JANE) == sent_to(smtp, PETER) == []
    message = staff_bot.messages()[-1]
    assert message["from"] == sender
    if sender != OFFICER:
        assert message["outcome"] != "staff_commands"
    elif dmarc == "fail":
        assert message["outcome"] == "held"  # forged staff mail: kept for a person, unanswered
        assert sent_to(smtp, OFFICER) == []
    else:
        [help_mail] = [m.message for m in sent_to(smtp, OFFICER)]
        text = help_mail.get_body(("plain",)).get_content()
        assert "held no decision that could be read" in text
        assert "REJECT 14 duplicate of 9" in text
