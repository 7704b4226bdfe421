"""The directory refresh job against a recorded BCH index answer served on loopback:
imported, refused when it would empty the directory, retried, failed — each reported."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.app import build_services
from bot.config import load_config
from bot.errors import ConfigError
from bot.jobs.refresh import refresh_directory
from bot.staff.digest import build_digest, render_digest
from bot.store.models import FocalPoint
from bot.vocab import RefreshOutcome
from tests.conftest import DATA, bot_config

RECORDED = (DATA / "directory" / "bch-focal-points.json").read_bytes()


class Index:
    """A loopback stand-in for the BCH index: answers with the queued (status, body)s,
    the last one again once the queue is down to it."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, bytes]] = [(200, RECORDED)]
        self.requests = 0
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
                index.requests += 1
                status, body = index.answers.pop(0) if len(index.answers) > 1 else index.answers[0]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v2013/index/select?q=x"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def index() -> Iterator[Index]:
    served = Index()
    yield served
    served.server.shutdown()


@pytest.fixture
def services(tmp_path, database_url, rules_dir, index):
    path = bot_config(tmp_path, database_url, rules_dir)
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[directory]\nrefresh_url = "{index.url}"\nattempts = 3\nretry_wait = 0.01\n'
        + '\n[digest]\nto = ["staff@cbd.int"]\n',
        encoding="utf-8",
    )
    services = build_services(load_config(path))
    yield services
    services.engine.dispose()


def entries(services) -> int:
    with Session(services.engine) as session:
        return session.exec(select(func.count()).select_from(FocalPoint)).one()


def health_text(services) -> str:
    return render_digest(services, build_digest(services))[0]


def test_the_index_is_imported(services, index):
    row = refresh_directory(services)
    assert row.outcome == RefreshOutcome.IMPORTED and row.added == row.entries > 0
    assert entries(services) == row.entries
    with Session(services.engine) as session:
        kenya = session.exec(select(FocalPoint).where(FocalPoint.country == "KE")).all()
    assert "s.kiprono@environment.go.ke" in {f.email for f in kenya}
    assert {f.source for f in kenya} == {"bch"}
    assert "Directory refreshed" in health_text(services)


def test_an_answer_that_would_empty_the_directory_is_refused(services, index):
    refresh_directory(services)
    before = entries(services)
    data = json.loads(RECORDED)
    data["response"]["docs"] = data["response"]["docs"][:1]
    index.answers = [(200, json.dumps(data).encode())]

    row = refresh_directory(services)

    assert row.outcome == RefreshOutcome.REFUSED and row.removed > 0
    assert entries(services) == before  # kept as it was
    assert "Directory refresh REFUSED" in health_text(services)


def test_a_failing_index_is_retried_then_reported(services, index):
    index.answers = [(503, b"busy"), (503, b"busy"), (200, RECORDED)]
    assert refresh_directory(services).outcome == RefreshOutcome.IMPORTED
    assert index.requests == 3

    index.answers, index.requests = [(503, b"busy")], 0
    row = refresh_directory(services)
    assert row.outcome == RefreshOutcome.FAILED and "HTTP 503" in row.error
    assert index.requests == 3  # every attempt, then given up
    assert "Directory refresh FAILED" in health_text(services)

    index.answers = [(200, b"<html>not json</html>")]
    assert refresh_directory(services).outcome == RefreshOutcome.FAILED


def test_the_url_must_be_https(tmp_path, rules_dir):
    path = bot_config(tmp_path, "sqlite:///x.db", rules_dir)
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[directory]\nrefresh_url = "http://api.cbd.int/x"\n'
    )
    with pytest.raises(ConfigError, match="https"):
        load_config(path)
