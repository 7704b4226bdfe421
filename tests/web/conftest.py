"""Fixtures for the staff web interface: one database seeded once per run through the real
pipeline (the example inbox and a hostile message, the test directory, an event with an
``[access]`` section, a decider and a viewer), copied afresh for every test, and a
Starlette TestClient that signs in through the login form like a browser.

The seed gives two nominees of ``hostile.eml`` the names and organizations an attacker
would choose (the reader never takes markup for a name, so the seed writes them).
Password hashing keeps argon2id but with the cheapest cost parameters, so that signing
in costs the tests milliseconds rather than a third of a second each.
"""

import re
import shutil
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, select
from starlette.exceptions import StarletteDeprecationWarning

from bot.app import Services, build_services
from bot.config import load_config
from bot.inbox.deliver import deliver
from bot.processing.ingest import ingest_once
from bot.store.db import make_engine
from bot.store.directory import import_entries, read_directory_file
from bot.store.models import Participant
from bot.vocab import StaffRole
from bot.web import accounts
from bot.web.app import create_app
from tests.conftest import DATA, ROOT, bot_config

with warnings.catch_warnings():  # Starlette would rather have httpx2; httpx serves the same
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

WEB_DATA = Path(__file__).parent / "data"
EXAMPLES = ROOT / "examples" / "inbox"
SLUG = "cb-forum-2025"
SECRET = "test-session-key-" + "k" * 32
DECIDER = ("officer@cbd.int", "Olga Officer", "correct horse battery staple")
VIEWER = ("reader@cbd.int", "Rhea Reader", "viewer's long password")
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_ORGANIZATION = "<img src=x onerror=alert(2)>"
ACCESS = """
[access]
url = "https://meet.cbd.int/j/cb-forum-2025"
instructions = "access/cb-forum-2025.{lang}.md"
"""
PRODUCTION_HASHER = accounts.HASHER
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "HASHER", CHEAP_HASHER)
        accounts._stand_in_hash.cache_clear()
        yield
    accounts._stand_in_hash.cache_clear()


@dataclass
class Seed:
    folder: Path
    database: Path
    services: Services


def seed_database(services: Services) -> None:
    """The pipeline's own rows, then the hostile names and the two staff accounts."""
    with Session(services.engine) as session:
        import_entries(session, read_directory_file(DATA / "directory" / "focal-points.csv"), "csv")
        session.commit()
    for path in [*sorted(EXAMPLES.glob("*.eml")), WEB_DATA / "hostile.eml"]:
        deliver(services.config, path.read_bytes(), None)
    ingest_once(services)
    with Session(services.engine) as session:
        for address, field, value in (
            ("rui.costa@example.net", "name", HOSTILE_NAME),
            ("lia.santos@example.net", "organization", HOSTILE_ORGANIZATION),
        ):
            row = session.exec(select(Participant).where(Participant.email == address)).one()
            setattr(row, field, value)
            session.add(row)
        session.commit()
    for (email, name, password), role in ((DECIDER, StaffRole.DECIDER), (VIEWER, StaffRole.VIEWER)):
        accounts.add_account(services.engine, email, name, role, password)


@pytest.fixture(scope="session")
def seed(tmp_path_factory, cheap_password_hashing) -> Seed:
    folder = tmp_path_factory.mktemp("web-seed")
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    event_file = rules / "events" / f"{SLUG}.toml"
    event_file.write_text(event_file.read_text(encoding="utf-8") + ACCESS, encoding="utf-8")
    database = folder / "seed.db"
    config = bot_config(
        folder, f"sqlite:///{database}", rules, secretariat_addresses=["secretariat@cbd.int"]
    )
    services = build_services(load_config(config))
    seed_database(services)
    services.engine.dispose()
    return Seed(folder, database, services)


def services_on(seed: Seed, url: str, folder: Path) -> Services:
    """The seed's services (rules, templates) on another database, inbox and outbox."""
    config = seed.services.config
    config = config.model_copy(
        update={
            "database": config.database.model_copy(update={"url": url}),
            "inbox": config.inbox.model_copy(update={"url": f"maildir:{folder / 'inbox'}"}),
            "outbox": config.outbox.model_copy(update={"url": f"maildir:{folder / 'outbox'}"}),
        }
    )
    return replace(seed.services, config=config, engine=make_engine(url))


@pytest.fixture
def services(seed, tmp_path) -> Services:
    """A copy of the seeded database for one test."""
    copy = tmp_path / "nombot.db"
    shutil.copy(seed.database, copy)
    services = services_on(seed, f"sqlite:///{copy}", tmp_path)
    yield services
    services.engine.dispose()


class Browser:
    """A TestClient that signs in through the form and sends each form's CSRF token."""

    def __init__(self, client) -> None:
        self.client = client

    def token(self, path: str = "/login") -> str:
        match = TOKEN.search(self.client.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, who: tuple[str, str, str] = DECIDER, password: str | None = None):
        email, _, right = who
        data = {"email": email, "password": password or right, "csrf_token": self.token()}
        return self.client.post("/login", data=data, follow_redirects=False)

    def submit(self, path: str, data: dict, token_from: str = "/review"):
        return self.client.post(
            path, data={**data, "csrf_token": self.token(token_from)}, follow_redirects=False
        )

    def get(self, path: str, **options):
        return self.client.get(path, **options)


def client_for(services: Services, **options) -> TestClient:
    return TestClient(create_app(services, SECRET), **options)


@pytest.fixture
def browser(services) -> Browser:
    with client_for(services) as client:
        yield Browser(client)


@pytest.fixture
def decider(browser) -> Browser:
    assert browser.sign_in().status_code == 303
    return browser


@pytest.fixture
def viewer(browser) -> Browser:
    assert browser.sign_in(VIEWER).status_code == 303
    return browser


def participant(services: Services, address: str) -> Participant:
    with Session(services.engine) as session:
        return session.exec(select(Participant).where(Participant.email == address)).one()
