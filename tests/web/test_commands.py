"""``nombot staff add|list|remove`` and ``nombot web``: the password comes from a prompt or
standard input, never the command line; it is stored as an argon2id hash; ``nombot web``
without its session key says so in one line."""

import io
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import UserError
from bot.store.db import make_engine
from bot.web import commands
from bot.web.accounts import list_accounts, verify_password
from tests.conftest import ROOT, bot_config, bot_env

PASSWORD = "a long enough passphrase"


@pytest.fixture
def config(tmp_path, rules_dir):
    return bot_config(tmp_path, f"sqlite:///{tmp_path / 'nombot.db'}", rules_dir)


def nombot(config, *args: str, stdin: str = ""):
    return CliRunner().invoke(app, ["--config", str(config), *args], input=stdin)


def test_staff_add_reads_the_password_from_stdin_and_keeps_only_a_hash(config, tmp_path):
    result = nombot(
        config, "staff", "add", "Head@CBD.int", "--name", "Hana Head", "--role", "viewer",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "head@cbd.int (viewer) may now sign in to nombot web" in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'nombot.db'}")
    [account] = list_accounts(engine)
    assert (account.email, account.name, account.role) == ("head@cbd.int", "Hana Head", "viewer")
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    assert verify_password(engine, "head@cbd.int", PASSWORD) is not None
    assert verify_password(engine, "head@cbd.int", PASSWORD + "x") is None

    listed = nombot(config, "staff", "list")
    assert "head@cbd.int" in listed.output and "viewer" in listed.output

    again = nombot(config, "staff", "add", "head@cbd.int", "--name", "H", stdin=PASSWORD + "\n")
    assert isinstance(again.exception, UserError) and "already has an account" in str(
        again.exception
    )

    assert nombot(config, "staff", "remove", "head@cbd.int").exit_code == 0
    assert list_accounts(engine) == []
    gone = nombot(config, "staff", "remove", "head@cbd.int")
    assert "no staff account head@cbd.int" in str(gone.exception)


def test_the_password_never_travels_on_the_command_line(config):
    refused = nombot(config, "staff", "add", "a@cbd.int", "--name", "A", "--password", PASSWORD)
    assert refused.exit_code == 2 and "No such option" in refused.output
    help_text = nombot(config, "staff", "add", "--help").output
    assert "--password" not in help_text and "--name" in help_text and "--role" in help_text


def test_bad_passwords_and_addresses_are_one_line(config):
    for args, stdin, problem in (
        (("a@cbd.int",), "short\n", "at least 12 characters"),
        (("a@cbd.int",), "", "no password"),
        (("not-an-address",), PASSWORD + "\n", "is not an e-mail address"),
    ):
        result = nombot(config, "staff", "add", *args, "--name", "A", stdin=stdin)
        assert isinstance(result.exception, UserError) and problem in str(result.exception)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_password_is_asked_twice_without_echo(monkeypatch):
    answers = iter([PASSWORD, PASSWORD, PASSWORD, "something else entirely"])
    monkeypatch.setattr(commands.sys, "stdin", Terminal())
    monkeypatch.setattr(commands.getpass, "getpass", lambda prompt: next(answers))
    assert commands.read_password() == PASSWORD
    with pytest.raises(UserError, match="the two passwords differ"):
        commands.read_password()


def test_nombot_web_without_its_session_key_says_so_in_one_line(config):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "web"],
        capture_output=True,
        text=True,
        env=bot_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "nombot: error: web: set the environment variable NOMBOT_WEB_SECRET"
    )
