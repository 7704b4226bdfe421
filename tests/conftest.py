"""Shared fixtures: real servers on loopback (Dovecot, aiosmtpd, PostgreSQL) and configs."""

import email
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.dovecot import Dovecot
from tests.support.smtp import SmtpCapture

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
NOMBOT = [sys.executable, "-m", "bot"]
POSTGRES_URL = os.environ.get(
    "NOMBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_users = itertools.count(1)


USERS = {f"secretariat{n}": secrets.token_hex(8) for n in range(1, 301)}


@pytest.fixture(scope="session")
def dovecot():
    server = Dovecot()
    server.add_users(USERS)
    server.start()
    yield server
    server.stop()


@dataclass
class Mailbox:
    """One IMAP user on the test Dovecot."""

    server: Dovecot
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"imap://{self.user}@{self.server.host}:{self.server.port}/INBOX"

    def append(self, raw: bytes, received: datetime, folder: str = "INBOX") -> None:
        self.server.append(self.user, self.password, raw, received, folder)

    def messages(self, folder: str = "INBOX") -> list[tuple[int, bytes, list]]:
        return self.server.folder_messages(self.user, self.password, folder)


@pytest.fixture
def mailbox(dovecot) -> Mailbox:
    user = f"secretariat{next(_users)}"
    return Mailbox(dovecot, user, USERS[user])


@pytest.fixture
def smtp():
    server = SmtpCapture().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_database():
    """A database of its own for this test run, dropped at the end."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"nombot_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a clear failure, not a skip: CI has PostgreSQL
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not usable: {exc}")
    url = make_url(POSTGRES_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(
            text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A fresh, empty database: a SQLite file, or a schema of its own in PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nombot.db'}"
    base = request.getfixturevalue("postgres_database")
    schema = f"t_{secrets.token_hex(6)}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(path: Path, sections: dict) -> Path:
    """Write a config file from {"": top-level keys, "inbox": {...}, …}."""
    lines = [f"{k} = {toml_value(v)}" for k, v in sections.get("", {}).items()]
    for section, values in sections.items():
        if section:
            lines.append(f"\n[{section}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_config(
    path: Path,
    rules_dir: Path,
    inbox_url: str,
    smtp_port: int,
    database_url: str,
    inbox: dict | None = None,
    outbox: dict | None = None,
    **sections: dict,
) -> Path:
    """A config for ``nombot run`` against a test IMAP server and SMTP capture: polls
    every 5 s (IDLE wakes it sooner), flushes every second; ``inbox``/``outbox`` add to
    their sections, ``sections`` adds or replaces others."""
    return write_config(
        path,
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": inbox_url, "poll_interval": 5, "timeout": 5, **(inbox or {})},
            "outbox": {
                "url": f"smtp://127.0.0.1:{smtp_port}",
                "from": "CBD Secretariat <nominations@cbd.int>",
                "flush_interval": 1,
                "timeout": 5,
                **(outbox or {}),
            },
            "database": {"url": database_url},
            "policy": {"secretariat_domains": ["cbd.int"]},
            **sections,
        },
    )


def bot_config(
    tmp_path: Path, database_url: str, rules_dir: Path, outbox_url: str | None = None, **policy
) -> Path:
    """A config for a bot with a Maildir inbox in ``tmp_path``, the given rules, the
    secretariat at cbd.int, and a Maildir outbox unless ``outbox_url`` says otherwise."""
    return write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}"},
            "outbox": {
                "url": outbox_url or f"maildir:{tmp_path / 'outbox'}",
                "from": "CBD Secretariat <nominations@cbd.int>",
                "reply_to": "secretariat@cbd.int",
            },
            "database": {"url": database_url},
            "policy": {"secretariat_domains": ["cbd.int"], **policy},
        },
    )


CHROMIUM = "/usr/bin/chromium"  # Debian's; the browser tests never download one


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright; one per test module."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    """Where browser tests keep their screenshots: $NOMBOT_TEST_ARTIFACTS, else a temp folder."""
    folder = os.environ.get("NOMBOT_TEST_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def rules_dir(tmp_path) -> Path:
    """A copy of the project's rules/ that a test may edit."""
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


@dataclass
class Bot:
    """A configured bot for one test: run ``nombot`` commands against it."""

    config: Path
    env: dict

    def run(
        self, *args: str, timeout: float = 120, check: bool = True
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*NOMBOT, "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            cwd=ROOT,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"nombot {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def participants(self) -> dict[str, dict]:
        rows = json.loads(self.run("participants", "--format", "json").stdout)
        return {row["email"]: row for row in rows}

    def messages(self) -> list[dict]:
        return json.loads(self.run("messages", "--format", "json").stdout)

    def outbox(self) -> list:
        """Mail written to the Maildir outbox (Maildir-configured bots), oldest first."""
        folder = self.config.parent / "outbox" / "new"
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.iterdir())
        ]

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*NOMBOT, "--config", str(self.config), *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def bot_env(password: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOMBOT_")}
    env["PYTHONPATH"] = str(ROOT)
    if password is not None:
        env["NOMBOT_IMAP_PASSWORD"] = password
    return env


@pytest.fixture
def imap_bot(tmp_path, mailbox, smtp, database_url, rules_dir) -> Bot:
    """A bot reading the test Dovecot, sending to the capture SMTP server."""
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": mailbox.url, "poll_interval": 600, "timeout": 10},
            "outbox": {
                "url": f"smtp://127.0.0.1:{smtp.port}",
                "from": "CBD Secretariat <nominations@cbd.int>",
                "reply_to": "secretariat@cbd.int",
                "flush_interval": 2,
            },
            "database": {"url": database_url},
            "policy": {
                "secretariat_domains": ["cbd.int"],
                "secretariat_addresses": ["secretariat@cbd.int"],
            },
        },
    )
    bot = Bot(config, bot_env(mailbox.password))
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    return bot


@pytest.fixture
def maildir_bot(tmp_path, database_url, rules_dir) -> Bot:
    """A bot on the embedded default: Maildir in, Maildir out, the test directory loaded."""
    config = bot_config(tmp_path, database_url, rules_dir, daily_reply_cap=3)
    bot = Bot(config, bot_env())
    bot.run("directory", "import", str(DATA / "directory" / "focal-points.csv"))
    return bot
