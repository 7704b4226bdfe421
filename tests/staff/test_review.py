"""The review queue: staff see every pending participant with reasons and decide in one command."""

from tests.conftest import DATA, ROOT

EXAMPLES = ROOT / "examples" / "inbox"


def test_review_shows_pending_with_reasons_and_decisions_stick(maildir_bot):
    bot = maildir_bot
    bot.run(
        "inbox",
        "append",
        str(EXAMPLES / "04-peru-late.eml"),
        str(EXAMPLES / "05-personal-address.eml"),
        str(DATA / "e2e" / "kenya.eml"),
    )
    bot.run("poll")

    queue = bot.run("review").stdout
    assert "ctello@inia.gob.pe" in queue and "late" in queue
    assert "after the deadline 2025-07-11 23:59 (America/Toronto)" in queue
    assert "daniel.mensah.gh@gmail.com" in queue and "unauthorized_sender" in queue
    assert "is not listed in our directory of national focal points" in queue
    assert "jane.mwangi@biosafetykenya.go.ke" not in queue  # confirmed: not for review
    assert "2 pending" in queue

    sent_before = len(bot.outbox())
    bot.run("accept", "ctello@inia.gob.pe", "--reason", "late by a few hours; accepted")
    bot.run("reject", "daniel.mensah.gh@gmail.com", "--reason", "not nominated by a focal point")

    people = bot.participants()
    assert people["ctello@inia.gob.pe"]["status"] == "confirmed"
    assert people["daniel.mensah.gh@gmail.com"]["status"] == "rejected"
    assert bot.run("review").stdout.strip() == "nothing to review"

    decisions = bot.outbox()[sent_before:]
    recipients = sorted(str(m["To"]).rpartition("<")[2].strip(">") for m in decisions)
    # The accepted participant and the focal point who nominated her; the rejected
    # self-nominee once (he is his own nominator).
    assert recipients == [
        "ctello@inia.gob.pe",
        "daniel.mensah.gh@gmail.com",
        "rquispe@minam.gob.pe",
    ]
    for message in decisions:
        assert message["Auto-Submitted"] == "auto-generated"
    # Decision mails follow the nominator's language (the Peruvian focal point wrote in
    # Spanish), not the event's default (English).
    languages = {
        str(m["To"]).rpartition("<")[2].strip(">"): m["Content-Language"] for m in decisions
    }
    assert languages == {
        "ctello@inia.gob.pe": "es",
        "rquispe@minam.gob.pe": "es",
        "daniel.mensah.gh@gmail.com": "en",
    }
    rejected = next(m for m in decisions if "daniel" in str(m["To"]))
    assert "not nominated by a focal point" in rejected.get_body(("plain",)).get_content()


def test_deciding_an_unknown_or_already_decided_participant_is_one_line(maildir_bot):
    bot = maildir_bot
    result = bot.run("accept", "nobody@example.org", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "nombot: error: no participant nobody@example.org"

    bot.run("inbox", "append", str(DATA / "e2e" / "kenya.eml"))
    bot.run("poll")
    result = bot.run("accept", "jane.mwangi@biosafetykenya.go.ke", check=False)
    assert result.returncode == 1
    assert "already confirmed" in result.stderr
