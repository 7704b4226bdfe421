"""`[log] format`: text lines as before, or one JSON object per line, exception included."""

import json
import logging
import sys

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from bot.logs import JsonFormatter
from tests.conftest import ROOT, write_config
from tests.deploy.conftest import closed_port, nombot, ok, set_line

NOMINATION = ROOT / "examples" / "inbox" / "01-kenya-nomination.eml"


def test_a_json_line_carries_the_exception_text():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        record = logging.LogRecord(
            "bot.x", logging.ERROR, __file__, 1, "failed on %s", ("line\ntwo",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message", "exception"}
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "ERROR",
        "bot.x",
        "failed on line\ntwo",
    )
    assert entry["exception"].startswith("Traceback") and "ZeroDivisionError" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def _polled_with_the_smtp_server_away(tmp_path, log_format: str) -> str:
    """The standard error of a poll whose reply cannot be sent (the SMTP port is closed)."""
    folder = tmp_path / "site"
    ok(nombot("init", str(folder), cwd=tmp_path))
    config = folder / "config.toml"
    set_line(config, 'url = "maildir:var/mail/outbox"', f'url = "smtp://127.0.0.1:{closed_port()}"')
    set_line(config, 'format = "text"', f'format = "{log_format}"')
    ok(nombot("--config", str(config), "inbox", "append", str(NOMINATION), cwd=tmp_path))
    polled = nombot("--config", str(config), "poll", cwd=tmp_path)
    assert polled.returncode == 0, polled.stderr
    assert "1 waiting" in polled.stdout
    return polled.stderr


def test_json_logs_are_one_object_per_line(tmp_path):
    stderr = _polled_with_the_smtp_server_away(tmp_path, "json")
    entries = [json.loads(line) for line in stderr.splitlines()]
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    warning = next(e for e in entries if e["message"].startswith("outbox: "))
    assert warning["level"] == "WARNING" and warning["logger"].startswith("bot.notify.outbox")


def test_text_logs_stay_the_default(tmp_path):
    stderr = _polled_with_the_smtp_server_away(tmp_path, "text")
    line = next(line for line in stderr.splitlines() if " outbox: " in line)
    assert " WARNING bot.notify.outbox." in line and not line.startswith("{")


def test_an_unknown_log_format_is_named(tmp_path):
    path = write_config(tmp_path / "config.toml", {"log": {"format": "xml"}})
    with pytest.raises(ConfigError, match=r"log\.format: Input should be 'text' or 'json'"):
        load_config(path)
    result = nombot("--config", str(path), "poll", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "log.format" in result.stderr
