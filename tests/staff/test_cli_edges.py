"""The staff's commands on day one: decisions with a note kept and a message mailed,
several participants at once, review filters, and the participant list in every format."""

import csv
import io
import json
import re
from datetime import datetime

from openpyxl import load_workbook
from sqlmodel import Session, select

from bot.store.db import open_database
from bot.store.models import Decision, Participant
from tests.conftest import DATA, ROOT

EXAMPLES = ROOT / "examples" / "inbox"
LATE = "ctello@inia.gob.pe"  # 04-peru-late.eml: pending, flag late, government PE
SELF = "daniel.mensah.gh@gmail.com"  # 05-personal-address.eml: pending, unauthorized_sender
JANE = "jane.mwangi@biosafetykenya.go.ke"  # kenya.eml, with Peter Otieno
PETER = "p.otieno@kephis.go.ke"
AFTER_THE_DEADLINE = "2025-07-12T10:00:00-04:00"


def _body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def _to(mail) -> str:
    return str(mail["To"]).rpartition("<")[2].strip(">")


def _one_line_error(result, *expected: str) -> str:
    assert result.returncode != 0, result.stdout
    error = result.stderr.strip()
    assert error.startswith("nombot: error: ") and "\n" not in error, result.stderr
    for text in expected:
        assert text in error, error
    return error


def _decisions(database_url: str) -> dict[str, list[Decision]]:
    with Session(open_database(database_url)) as session:
        emails = {p.id: p.email for p in session.exec(select(Participant)).all()}
        found: dict[str, list[Decision]] = {}
        for row in session.exec(select(Decision).order_by(Decision.id)).all():
            found.setdefault(emails[row.participant_id], []).append(row)
        return found


def _late_and_self(bot) -> None:
    bot.run("inbox", "append", str(EXAMPLES / "04-peru-late.eml"))
    bot.run("inbox", "append", str(EXAMPLES / "05-personal-address.eml"))
    bot.run("poll")


def test_a_note_is_kept_and_never_mailed_a_message_is_mailed(maildir_bot, database_url):
    bot = maildir_bot
    _late_and_self(bot)
    sent = len(bot.outbox())
    bot.run("accept", LATE, "--note", "INTERNAL-ACCEPT", "--message", "Welcome to the forum.")
    accepted = bot.outbox()[sent:]
    bot.run("withdraw", LATE, "--note", "INTERNAL-WITHDRAW")
    bot.run("reject", SELF, "--reason", "not nominated by a focal point", "--note", "INTERNAL-R")

    mails = bot.outbox()[sent:]
    assert len(mails) == 5  # accept and withdraw: participant and nominator; reject: himself
    assert "INTERNAL" not in "\n".join(_body(m) for m in mails)  # no note is ever mailed
    assert sorted(_to(m) for m in accepted) == [LATE, "rquispe@minam.gob.pe"]
    assert all("Welcome to the forum." in _body(m) for m in accepted)  # to both of them
    assert not any("Welcome" in _body(m) for m in mails[2:])  # a message goes with its decision
    rejected = next(m for m in mails if _to(m) == SELF)
    assert "not nominated by a focal point" in _body(rejected)  # --reason is mailed

    decisions = _decisions(database_url)
    staff = [d for d in decisions[LATE] if d.action in ("accept", "withdraw")]
    assert [(d.action, d.note, d.message, d.reason) for d in staff] == [
        ("accept", "INTERNAL-ACCEPT", "Welcome to the forum.", None),
        ("withdraw", "INTERNAL-WITHDRAW", None, None),
    ]
    rejection = decisions[SELF][-1]
    assert (rejection.reason, rejection.note) == ("not nominated by a focal point", "INTERNAL-R")
    # --reason on accept is, as its help always said, the note kept with the decision.
    bot.run("accept", LATE, "--reason", "back after all")
    assert _decisions(database_url)[LATE][-1].note == "back after all"
    assert "back after all" not in "\n".join(_body(m) for m in bot.outbox()[sent + len(mails) :])


def test_blank_texts_and_a_missing_reason_are_refused_in_one_line(maildir_bot):
    bot = maildir_bot
    _late_and_self(bot)
    cases = [
        (("reject", SELF, "--reason", "   "), "--reason: blank"),
        (("reject", SELF), "--reason: required"),
        (("accept", LATE, "--message", " \t "), "--message: blank"),
        (("accept", LATE, "--note", ""), "--note: blank"),
        (("withdraw", LATE, "--message", "  "), "--message: blank"),
        (("accept",), "say which participants"),
        (("accept", LATE, "--event", "nope"), "--event: 'nope' is not one of cb-forum-2025"),
    ]
    for args, expected in cases:
        _one_line_error(bot.run(*args, check=False), expected)
    assert {e: p["status"] for e, p in bot.participants().items()} == {
        LATE: "pending",
        SELF: "pending",
    }
    assert "mailed to the participant" in bot.run("reject", "--help").stdout


def _late_kenya(bot) -> int:
    """Kenya's two nominees, received after the deadline: one message, two pending."""
    bot.run("inbox", "append", "--received", AFTER_THE_DEADLINE, str(DATA / "e2e" / "kenya.eml"))
    bot.run("poll")
    queue = bot.run("review", "--government", "KE").stdout
    numbers = set(re.findall(r"message #(\d+) received", queue))
    assert len(numbers) == 1, queue
    return int(numbers.pop())


def test_several_ids_or_every_pending_participant_of_a_message(maildir_bot):
    bot = maildir_bot
    _late_and_self(bot)
    message = _late_kenya(bot)
    ids = {row["email"]: row["id"] for row in _table_rows(bot.run("participants").stdout)}

    refused = bot.run("accept", str(ids[LATE]), "nobody@example.org", check=False)
    _one_line_error(refused, "no participant nobody@example.org")
    assert bot.participants()[LATE]["status"] == "pending"  # nothing decided

    done = bot.run("accept", "--from-message", str(message)).stdout
    assert f"{JANE} (cb-forum-2025) is now confirmed" in done and PETER in done
    _one_line_error(
        bot.run("accept", "--from-message", str(message), check=False),
        f"message #{message} has no pending participant",
    )
    bot.run("reject", str(ids[LATE]), str(ids[SELF]), "--reason", "closed")
    people = bot.participants()
    assert {e: p["status"] for e, p in people.items()} == {
        LATE: "rejected",
        SELF: "rejected",
        JANE: "confirmed",
        PETER: "confirmed",
    }
    again = bot.run("reject", str(ids[LATE]), JANE, "--reason", "x", check=False)
    _one_line_error(again, f"{LATE} is already rejected; nothing was decided")
    assert bot.participants()[JANE]["status"] == "confirmed"


def test_review_filters_by_event_flag_and_government(maildir_bot):
    bot = maildir_bot
    _late_and_self(bot)
    late = bot.run("review", "--flag", "late").stdout
    assert LATE in late and SELF not in late and "1 pending" in late
    peru = bot.run("review", "--government", "Peru", "--event", "cb-forum-2025").stdout
    assert LATE in peru and SELF not in peru
    assert LATE in bot.run("review", "--government", "pe").stdout
    none = bot.run("review", "--flag", "over_quota").stdout
    assert none.strip() == "nothing to review with these filters (2 pending in all)"

    flag = bot.run("review", "--flag", "bogus", check=False)
    _one_line_error(flag, "--flag: 'bogus' is not one of late, unauthorized_sender")
    _one_line_error(bot.run("review", "--event", "nope", check=False), "cb-forum-2025")
    government = bot.run("review", "--government", "Narnia", check=False)
    _one_line_error(government, "--government: 'Narnia'", "in the queue: PE")


def _table_rows(text: str) -> list[dict]:
    """The rows of a rich table printed by the commands, by column name."""
    lines = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    split = [[cell.strip() for cell in re.split(r"[┃│]", line)[1:-1]] for line in lines]
    header, rows = split[0], split[1:]
    return [dict(zip(header, row, strict=True)) for row in rows if row[0]]


def test_participants_every_format_to_a_file_and_checked_options(maildir_bot, tmp_path):
    bot = maildir_bot
    _late_and_self(bot)
    rows = _table_rows(bot.run("participants").stdout)
    assert sorted(r["email"] for r in rows) == [LATE, SELF]
    assert all(r["id"].isdigit() for r in rows)

    table = tmp_path / "list.txt"
    assert "2 participant(s) written to" in bot.run("participants", "-o", str(table)).stdout
    written = table.read_text(encoding="utf-8")
    assert "\x1b[" not in written and _table_rows(written) == rows  # the plain table

    listing = tmp_path / "list.csv"
    bot.run("participants", "--format", "csv", "-o", str(listing))
    data = listing.read_bytes()
    assert data.startswith("\ufeff".encode())  # a UTF-8 BOM: spreadsheets read it as UTF-8
    assert {r["email"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))} == {
        LATE,
        SELF,
    }
    assert bot.run("participants", "--format", "csv").stdout.startswith("\ufeff")

    exported = tmp_path / "list.json"
    bot.run("participants", "--format", "json", "--status", "pending", "-o", str(exported))
    assert len(json.loads(exported.read_text(encoding="utf-8"))) == 2

    cases = [
        (("--status", "bogus"), "--status: 'bogus' is not one of confirmed, pending"),
        (("--event", "nope"), "--event: 'nope' is not one of cb-forum-2025"),
        (("--format", "pdf"), "--format: 'pdf' is not one of table, csv, json, xlsx"),
        (("--format", "xlsx"), "--format xlsx needs --output"),
        (("-o", str(tmp_path / "missing" / "x.txt")), "cannot be written"),
    ]
    for args, expected in cases:
        _one_line_error(bot.run("participants", *args, check=False), expected)


def test_the_xlsx_export_is_ready_to_read(maildir_bot, tmp_path):
    bot = maildir_bot
    _late_and_self(bot)
    target = tmp_path / "participants.xlsx"
    bot.run("participants", "--format", "xlsx", "-o", str(target))
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    email = sheet.cell(row=1, column=header.index("email") + 1).column_letter
    assert sheet.column_dimensions[email].width >= len(SELF)
    nominated = sheet.cell(row=2, column=header.index("nominated_at") + 1)
    assert isinstance(nominated.value, datetime) and nominated.is_date
