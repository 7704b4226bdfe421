"""The pipeline's promises beyond the happy path: bounces, loops, reply caps, exports."""

import csv
import io
import json

from openpyxl import load_workbook

from tests.conftest import DATA, ROOT, Bot, bot_env, write_config

E2E = DATA / "e2e"
PIPELINE = DATA / "pipeline"


def _nomination(tmp_path, number: int) -> str:
    raw = (E2E / "kenya.eml").read_text()
    raw = raw.replace("<e2e-kenya-1@", f"<cap-{number}@")
    raw = raw.replace("jane.mwangi@", f"jane.mwangi{number}@").replace(
        "p.otieno@", f"p.otieno{number}@"
    )
    path = tmp_path / f"nomination-{number}.eml"
    path.write_text(raw)
    return str(path)


def test_our_own_mail_coming_back_is_never_answered(maildir_bot):
    bot = maildir_bot
    bot.run("inbox", "append", str(PIPELINE / "own-mail-returned.eml"))
    bot.run("poll")
    [message] = bot.messages()
    assert (message["kind"], message["outcome"]) == ("auto_reply", "ignored")
    assert bot.outbox() == [] and bot.participants() == {}


def test_replies_to_one_sender_are_capped_per_day(maildir_bot, tmp_path):
    bot = maildir_bot  # daily_reply_cap = 3
    bot.run("inbox", "append", *[_nomination(tmp_path, n) for n in range(5)])
    bot.run("poll")
    replies = [m for m in bot.outbox() if m["Auto-Submitted"] == "auto-replied"]
    assert len(replies) == 3
    assert [m["outcome"] for m in bot.messages()] == ["accepted"] * 5
    assert len(bot.participants()) == 10  # every nominee is still registered


def test_exports(maildir_bot, tmp_path):
    bot = maildir_bot
    bot.run("inbox", "append", str(E2E / "kenya.eml"), str(E2E / "mexico.eml"))
    bot.run("poll")
    rows = list(csv.DictReader(io.StringIO(bot.run("participants", "--format", "csv").stdout)))
    assert {r["email"] for r in rows} == {
        "jane.mwangi@biosafetykenya.go.ke",
        "p.otieno@kephis.go.ke",
        "lhernandez@cibiogem.gob.mx",
    }
    assert rows[0]["nominated_by"] == "s.kiprono@environment.go.ke"
    target = tmp_path / "participants.xlsx"
    bot.run("participants", "--format", "xlsx", "-o", str(target))
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]][:3] == ["event", "email", "name"]
    assert sheet.max_row == 4
    confirmed = json.loads(
        bot.run("participants", "--status", "confirmed", "--format", "json").stdout
    )
    assert len(confirmed) == 3
    assert set(confirmed[0]) == {
        "id",
        "event",
        "email",
        "name",
        "title",
        "organization",
        "country",
        "status",
        "flags",
        "nominated_by",
        "nominated_at",
        "access_sent_at",
    }
    table = bot.run("participants").stdout
    assert "Laura Hernández Soto" in table and "3 participant(s)" in table


def test_exports_never_turn_text_into_spreadsheet_formulas(maildir_bot, tmp_path):
    bot = maildir_bot
    bot.run("inbox", "append", str(PIPELINE / "formula-in-organization.eml"))
    bot.run("poll")
    rows = list(csv.DictReader(io.StringIO(bot.run("participants", "--format", "csv").stdout)))
    assert rows[0]["organization"].startswith("'=HYPERLINK(")
    target = tmp_path / "participants.xlsx"
    bot.run("participants", "--format", "xlsx", "-o", str(target))
    organization = load_workbook(target).active["E2"]
    assert organization.data_type == "s" and organization.value.startswith("'=")


def test_a_failure_on_one_message_is_retried_then_recorded_and_the_loop_goes_on(
    tmp_path, database_url, rules_dir
):
    # A site template that passes the start-up check but fails on one real message.
    templates = tmp_path / "templates"
    (templates / "en").mkdir(parents=True)
    (templates / "en" / "confirmation.txt.j2").write_text(
        (ROOT / "templates" / "en" / "confirmation.txt.j2").read_text(encoding="utf-8")
        + '{% if confirmed and confirmed[0].email.endswith("biosafetykenya.go.ke") %}'
        + "{{ boom }}{% endif %}\n",
        encoding="utf-8",
    )
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(templates)},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}"},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}", "from": "nominations@cbd.int"},
            "database": {"url": database_url},
        },
    )
    bot = Bot(config, bot_env())
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    bot.run(
        "inbox",
        "append",
        str(E2E / "kenya.eml"),
        str(ROOT / "examples" / "inbox" / "04-peru-late.eml"),
    )

    result = bot.run("poll")

    # The failed one stays in the inbox for the next poll; the loop went on.
    assert "1 late" in result.stdout and "1 retrying" in result.stdout
    assert [m["from"] for m in bot.messages()] == ["rquispe@minam.gob.pe"]
    assert "fetched 1 message(s): 1 retrying" in bot.run("poll").stdout
    assert "fetched 1 message(s): 1 error" in bot.run("poll").stdout  # the third attempt
    outcomes = {m["from"]: m["outcome"] for m in bot.messages()}
    assert outcomes == {"s.kiprono@environment.go.ke": "error", "rquispe@minam.gob.pe": "late"}
    assert bot.participants().keys() == {"ctello@inia.gob.pe"}  # nothing half-written
    review = tmp_path / "inbox" / ".Nominations-Review" / "cur"
    assert len(list(review.iterdir())) == 2  # the failed one and the late one
    assert "fetched 0 message(s)" in bot.run("poll").stdout  # no retry loop


def test_no_authentication_results_means_unverified_only_when_configured(tmp_path, rules_dir):
    def run(require: bool) -> Bot:
        folder = tmp_path / ("strict" if require else "lenient")
        folder.mkdir()
        config = write_config(
            folder / "config.toml",
            {
                "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
                "inbox": {"url": f"maildir:{folder / 'inbox'}", "authserv_id": "mx.cbd.int"},
                "outbox": {"url": f"maildir:{folder / 'outbox'}", "from": "nominations@cbd.int"},
                "database": {"url": f"sqlite:///{folder / 'nombot.db'}"},
                "policy": {"require_authentication_results": require},
            },
        )
        bot = Bot(config, bot_env())
        bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
        bot.run("inbox", "append", str(E2E / "kenya.eml"))  # carries no Authentication-Results
        bot.run("poll")
        return bot

    lenient = run(require=False)
    assert [m["outcome"] for m in lenient.messages()] == ["accepted"]

    strict = run(require=True)
    assert [m["outcome"] for m in strict.messages()] == ["held"]
    assert {p["status"] for p in strict.participants().values()} == {"pending"}
    assert all("needs_review" in p["flags"] for p in strict.participants().values())
    assert strict.outbox() == []
    assert "could not be verified" in strict.run("review").stdout


def test_an_overlong_sender_address_does_not_stop_the_mailbox(maildir_bot):
    bot = maildir_bot
    bot.run(
        "inbox",
        "append",
        str(PIPELINE / "overlong-from-address.eml"),
        str(DATA / "e2e" / "kenya.eml"),
    )
    result = bot.run("poll")
    assert "fetched 2 message(s)" in result.stdout
    outcomes = sorted(m["outcome"] for m in bot.messages())
    assert outcomes == ["accepted", "ignored"]
