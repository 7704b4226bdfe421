"""Configuration: validated at start-up, errors name the key, secrets from the environment."""

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from tests.conftest import ROOT, write_config


def test_the_example_configuration_is_valid():
    config = load_config(ROOT / "config.example.toml")
    assert config.inbox.url.startswith("maildir:")
    assert config.database_url == f"sqlite:///{ROOT / 'var' / 'demo' / 'nombot.db'}"
    assert "secretariat@cbd.int" in config.own_addresses()


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"inbox": {"urll": "maildir:x"}}, "inbox.urll: unknown key"),
        ({"inbox": {"url": "pop3://x"}}, "inbox.url: Value error, must start with"),
        ({"inbox": {"poll_interval": "often"}}, "inbox.poll_interval: Input should be a valid"),
        ({"inbox": {"url": "imap://u:secret@host/INBOX"}}, "passwords do not belong in URLs"),
        ({"": {"database": "sqlite:///x"}}, "database: Input should be a valid dictionary"),
    ],
)
def test_a_bad_key_is_named(tmp_path, sections, message):
    path = write_config(tmp_path / "config.toml", sections)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_a_missing_file_and_broken_toml_are_one_line(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[inbox\nurl = 1\n")
    with pytest.raises(ConfigError, match="broken.toml"):
        load_config(broken)


def test_the_secretariat_s_domains_come_from_its_own_addresses_by_default(tmp_path):
    derived = load_config(
        write_config(
            tmp_path / "derived.toml",
            {
                "outbox": {"from": "CBD <nominations@cbd.int>", "reply_to": "desk@gmail.com"},
                "policy": {"secretariat_addresses": ["secretariat@un.org"]},
            },
        )
    )
    assert derived.own_domains() == {"cbd.int", "un.org"}  # never a public provider's
    explicit = load_config(
        write_config(tmp_path / "explicit.toml", {"policy": {"secretariat_domains": []}})
    )
    assert explicit.own_domains() == set()
