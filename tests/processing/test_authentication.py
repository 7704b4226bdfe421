"""Sender authentication through the whole bot: only our receiving server's word counts.

Drives ``nombot`` on the Maildir / SQLite test bot (``maildir_bot``) with
``policy.require_authentication_results = true`` and ``inbox.authserv_id = "mx.cbd.int"``
(or, in the last test, no authserv-id at all): ``inbox append --received``, ``poll``, then
``participants``, ``messages`` and the outgoing Maildir. The messages are in
``tests/data/authentication/``; each one comes from the Kenyan CPB focal point's address.
"""

import tomllib

import pytest

from bot.vocab import Flag, Outcome, ParticipantStatus
from tests.conftest import DATA, Bot, write_config

MESSAGES = DATA / "authentication"
ON_TIME = "2025-07-09T10:02:11-04:00"  # before the cb-forum-2025 deadline
KIPRONO = "s.kiprono@environment.go.ke"  # KE CPB-FP1 in the test directory

# Authentication does not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def require_authentication(bot: Bot, authserv_id: str | None) -> Bot:
    """The bot's config with ``require_authentication_results`` and this authserv-id."""
    config = tomllib.loads(bot.config.read_text())
    config["inbox"].pop("authserv_id", None)
    if authserv_id is not None:
        config["inbox"]["authserv_id"] = authserv_id
    config.setdefault("policy", {})["require_authentication_results"] = True
    sections = {k: v for k, v in config.items() if isinstance(v, dict)}
    top = {k: v for k, v in config.items() if not isinstance(v, dict)}
    write_config(bot.config, {"": top, **sections})
    return bot


@pytest.fixture
def bot(maildir_bot: Bot) -> Bot:
    """``maildir_bot`` trusting mx.cbd.int only, and requiring its verdict."""
    return require_authentication(maildir_bot, "mx.cbd.int")


def deliver(bot: Bot, name: str) -> None:
    bot.run("inbox", "append", str(MESSAGES / name), "--received", ON_TIME)
    bot.run("poll")


def assert_held_unverified(bot: Bot, nominees: set[str]) -> None:
    """Nominees kept pending for staff, nothing confirmed, nobody written to."""
    [message] = bot.messages()
    assert message["from"] == KIPRONO
    assert message["outcome"] != Outcome.ACCEPTED
    assert message["replies"] == []
    people = bot.participants()
    assert set(people) == nominees
    for row in people.values():
        assert row["status"] == ParticipantStatus.PENDING, row
        # Held because the sender could not be verified, not because it was proven forged.
        assert Flag.AUTH_FAILED not in row["flags"], row
        assert Flag.NEEDS_REVIEW in row["flags"], row
    assert bot.outbox() == []  # no confirmation, no notice to the nominees


def test_a_dkim_pass_for_a_sibling_domain_does_not_verify_the_sender(bot):
    # attacker.go.ke signed it; go.ke is a public suffix, so that proves nothing about
    # environment.go.ke. No SPF or DMARC result passes either.
    deliver(bot, "sibling-domain-dkim.eml")

    assert_held_unverified(bot, {"g.wanjiku.nba@gmail.com", "d.ochieng.kephis@outlook.com"})


def test_a_header_from_another_server_is_not_trusted(bot):
    # All pass, but written by smtp.relay-mail.example, not by mx.cbd.int.
    deliver(bot, "other-authserv-id.eml")

    assert_held_unverified(bot, {"lucy.njoroge.nema@gmail.com"})


def test_a_dkim_pass_for_a_subdomain_verifies_the_sender(bot):
    # The same configuration accepts a message signed by mail.environment.go.ke.
    deliver(bot, "aligned-subdomain-dkim.eml")

    [message] = bot.messages()
    assert (message["from"], message["outcome"]) == (KIPRONO, Outcome.ACCEPTED)
    people = bot.participants()
    assert set(people) == {"jane.mwangi@biosafetykenya.go.ke", "p.otieno@kephis.go.ke"}
    assert {row["status"] for row in people.values()} == {ParticipantStatus.CONFIRMED}


def test_without_a_configured_server_no_header_is_trusted(maildir_bot):
    # The message accepted above, on a bot that does not say which server is its own.
    bot = require_authentication(maildir_bot, None)
    deliver(bot, "aligned-subdomain-dkim.eml")

    assert_held_unverified(bot, {"jane.mwangi@biosafetykenya.go.ke", "p.otieno@kephis.go.ke"})
