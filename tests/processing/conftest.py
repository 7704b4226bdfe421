"""Fixtures of the processing tests."""

import pytest

from bot.app import mail_writer
from bot.config import load_config
from bot.notify.writer import MailWriter
from tests.conftest import ROOT, bot_config


@pytest.fixture(scope="module")
def writer(tmp_path_factory) -> MailWriter:
    """The mail writer, its templates checked once per module (two seconds each time)."""
    folder = tmp_path_factory.mktemp("writer")
    config = load_config(bot_config(folder, f"sqlite:///{folder / 'db'}", ROOT / "rules"))
    checked = mail_writer(config)
    checked.check()
    return checked
