"""The staff digest: the review queue, unverified senders, an unreachable inbox, once a day."""

from tests.conftest import DATA, ROOT, Bot, bot_env, write_config
from tests.support.dovecot import free_port

EXAMPLES = ROOT / "examples" / "inbox"


def test_digest_lists_what_waits_and_what_could_not_be_checked(maildir_bot):
    bot = maildir_bot
    bot.run(
        "inbox",
        "append",
        str(EXAMPLES / "04-peru-late.eml"),
        str(EXAMPLES / "05-personal-address.eml"),
        str(DATA / "e2e" / "kenya.eml"),
    )
    bot.run("poll")

    text = bot.run("digest", "--print").stdout

    assert "2 waiting for a decision" in text
    assert "ctello@inia.gob.pe> (Peru) [late]" in text
    assert "after the deadline 2025-07-11 23:59 (America/Toronto)" in text
    assert "daniel.mensah.gh@gmail.com> [unauthorized sender]" in text
    assert "could not be verified (no Authentication-Results from the receiving server): 3" in text
    assert "accepted 1" in text and "late 1" in text and "unauthorized sender 1" in text


def test_digest_is_sent_once_a_day(tmp_path, database_url, rules_dir):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}"},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}", "from": "nominations@cbd.int"},
            "database": {"url": database_url},
            "digest": {"to": ["staff@cbd.int", "head@cbd.int"], "timezone": "America/Toronto"},
        },
    )
    bot = Bot(config, bot_env())
    assert (
        "queued for staff@cbd.int, head@cbd.int; 2 mail(s) sent"
        in bot.run("digest", "--send").stdout
    )
    assert "already sent" in bot.run("digest", "--send").stdout
    sent = bot.outbox()
    assert sorted(str(m["To"]) for m in sent) == ["head@cbd.int", "staff@cbd.int"]
    assert all(m["Auto-Submitted"] == "auto-generated" for m in sent)


def test_digest_says_when_the_inbox_is_down(tmp_path, database_url, rules_dir):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"imap://staff@127.0.0.1:{free_port()}/INBOX", "timeout": 3},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}"},
            "database": {"url": database_url},
        },
    )
    bot = Bot(config, bot_env(password="x"))
    result = bot.run("poll", check=False)
    assert result.returncode == 1 and "cannot connect" in result.stderr

    text = bot.run("digest", "--print").stdout

    assert "INBOX UNREACHABLE since" in text and "cannot connect" in text
