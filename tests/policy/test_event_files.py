"""Rules are validated data: a bad file stops start-up with one line; nothing runs."""

import json
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.policy.events import load_events
from tests.conftest import DATA, ROOT, Bot, bot_env, write_config

EVENT = "cb-forum-2025.toml"


def _break(rules: Path, old: str, new: str) -> Path:
    path = rules / "events" / EVENT
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "deadline = 2025-07-11T23:59:59",
            'deadline = "end of next week"',
            ":7: event.deadline: Input should be a valid datetime",
        ),
        (
            'timezone = "America/Toronto"',
            'timezone = "Montreal"',
            ":8: event.timezone: unknown time zone 'Montreal'",
        ),
        ('language = "en"', 'language = "en"\nquota = 3', ":12: event.quota: unknown key"),
        (
            'nominating_roles = ["CPB-FP1", "CPB-FP2", "ORG-HEAD", "IPLC"]\n',
            "",
            ":2: event.nominating_roles: missing",
        ),
        ('"ORG-HEAD"', '"head of org"', ":12: event.nominating_roles: 'head of org' is not a role"),
        (
            "max_per_government = 0",
            "max_per_government = -1",
            ":15: event.max_per_government: Input should be greater than or equal to 0",
        ),
        ("[event]", "[event\n", "cb-forum-2025.toml: "),
    ],
)
def test_a_bad_event_file_is_named_with_its_line_and_key(rules_dir, old, new, expected):
    path = _break(rules_dir, old, new)
    with pytest.raises(ConfigError) as error:
        load_events(rules_dir)
    message = str(error.value)
    assert message.startswith(str(path)), message
    assert expected in message, message
    assert "\n" not in message


def test_slug_must_match_the_file_name(rules_dir):
    _break(rules_dir, 'slug = "cb-forum-2025"', 'slug = "forum"')
    with pytest.raises(ConfigError, match=r"cb-forum-2025.toml:\d+: event.slug: must match"):
        load_events(rules_dir)


def test_nothing_is_processed_under_a_broken_policy(tmp_path, rules_dir):
    _break(rules_dir, 'timezone = "America/Toronto"', 'timezone = "Montreal"')
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}"},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}"},
            "database": {"url": f"sqlite:///{tmp_path / 'nombot.db'}"},
        },
    )
    bot = Bot(config, bot_env())
    bot.run("inbox", "append", str(DATA / "e2e" / "kenya.eml"))

    result = bot.run("poll", check=False)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "event.timezone: unknown time zone" in result.stderr
    assert len(list((tmp_path / "inbox" / "new").iterdir())) == 1  # untouched
    assert not (tmp_path / "outbox").exists()
    result = bot.run("messages", "--format", "json", check=False)
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_the_project_rules_load():
    [event] = load_events(ROOT / "rules")
    assert event.slug == "cb-forum-2025"
    assert event.deadline_utc.isoformat() == "2025-07-12T03:59:59+00:00"
