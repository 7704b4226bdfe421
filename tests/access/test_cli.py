"""End to end through the command line: nominations in, ``nombot access publish``, the
outbox flush to a real SMTP server (aiosmtpd), links import, resend and withdrawal."""

from icalendar import Calendar

from tests.access.conftest import E2E, SLUG, add_access
from tests.conftest import DATA, ROOT, Bot, bot_config, bot_env, write_config

JANE = "jane.mwangi@biosafetykenya.go.ke"
PETER = "p.otieno@kephis.go.ke"
MOUSSA = "moussa.diop@anb.gouv.sn"


def access_mails(smtp, method: str = "REQUEST") -> list:
    found = []
    for captured in smtp.messages:
        message = captured.message
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar" and part.get_param("method") == method:
                found.append((captured.recipients, message, Calendar.from_ical(part.get_content())))
    return found


def uids(calendar: Calendar) -> list[str]:
    return [str(v["UID"]) for v in calendar.walk("VEVENT")]


def test_publish_then_flush_resend_and_withdraw(tmp_path, smtp, database_url, rules_dir):
    add_access(rules_dir)
    config = bot_config(tmp_path, database_url, rules_dir, f"smtp://127.0.0.1:{smtp.port}")
    bot = Bot(config, bot_env())
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    received = "2025-07-09T12:00:00+00:00"
    bot.run("inbox", "append", "--received", received, str(E2E / "kenya.eml"))
    bot.run("inbox", "append", "--received", received, str(E2E / "senegal.eml"))
    bot.run("poll")
    assert access_mails(smtp) == []  # registered and told so; access comes with publication

    published = bot.run("access", "publish", SLUG).stdout
    assert published.startswith(f"{SLUG}: access published at ")
    assert "3 access mail(s) queued (sent at the next outbox flush)" in published
    assert access_mails(smtp) == []
    bot.run("poll")  # the outbox flush

    sent = access_mails(smtp)
    assert sorted(r for recipients, _, _ in sent for r in recipients) == sorted(
        [JANE, PETER, MOUSSA]
    )
    languages = {recipients[0]: m["Content-Language"] for recipients, m, _ in sent}
    assert languages == {JANE: "en", PETER: "en", MOUSSA: "fr"}
    again = bot.run("access", "publish", SLUG).stdout
    assert "already published" in again and "0 access mail(s) queued" in again
    bot.run("poll")
    assert len(access_mails(smtp)) == 3

    bad = tmp_path / "bad.csv"
    bad.write_text("email,url\njane,https://meet.cbd.int/j/1\n")
    result = bot.run("access", "links", "import", str(bad), check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"nombot: error: {bad}:2: email: 'jane' is not a valid address"
    )
    good = tmp_path / "links.csv"
    good.write_bytes(b"\xef\xbb\xbfemail,url\n" + f"{JANE},https://meet.cbd.int/j/1\n".encode())
    imported = bot.run("access", "links", "import", str(good)).stdout
    assert imported.startswith(f"{SLUG}: 1 link(s): 1 added, 0 updated, 0 unchanged")
    assert (
        f"already had their access mail (nombot access resend EMAIL sends the new link): {JANE}"
        in imported
    )

    resent = bot.run("access", "resend", JANE).stdout
    assert resent.strip() == f"access for {JANE} ({SLUG}) queued again; 1 mail(s) sent"
    [first, second] = [c for c in access_mails(smtp) if c[0] == [JANE]]
    assert "https://meet.cbd.int/j/1" in second[1].get_body(("plain",)).get_content()
    assert uids(second[2]) == uids(first[2])

    bot.run("withdraw", PETER)  # a staff decision: mails go out at once
    [(recipients, message, calendar)] = access_mails(smtp, "CANCEL")
    assert recipients == [PETER]
    [request] = [c for c in access_mails(smtp) if c[0] == [PETER]]
    assert uids(calendar) == uids(request[2])
    assert "no longer registered" in message.get_body(("plain",)).get_content()

    people = bot.participants()
    assert people[JANE]["access_sent_at"] and people[MOUSSA]["access_sent_at"]
    assert people[PETER]["status"] == "withdrawn"


def test_access_commands_say_what_is_wrong_in_one_line(tmp_path, database_url, rules_dir):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}"},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}", "from": "nominations@cbd.int"},
            "database": {"url": database_url},
        },
    )
    bot = Bot(config, bot_env())  # the project's rules: cb-forum-2025 has no [access] yet
    result = bot.run("access", "publish", SLUG, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "cb-forum-2025.toml: no [access] section (url, instructions, publish_at)"
    )
    assert result.stderr.count("\n") == 1
    result = bot.run("access", "resend", "nobody@example.org", check=False)
    assert result.stderr.strip() == "nombot: error: no participant nobody@example.org"
