"""The staff interface in a real browser: Debian's Chromium, headless, driven by Playwright
against the app served by uvicorn on loopback (one server and one browser per module).
A decider signs in through the form, accepts and rejects from ``/review`` with the
buttons, corrects a name and adds a participant by hand; the database and the JSON view
show each change. Hostile names render as text and no script ever runs (no dialog).
Screenshots of the dashboard and the review page are kept as artifacts."""

import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from bot.web.app import create_app
from tests.conftest import CHROMIUM
from tests.support.dovecot import free_port
from tests.web.conftest import (
    DECIDER,
    HOSTILE_NAME,
    HOSTILE_ORGANIZATION,
    SECRET,
    participant,
    services_on,
)

LATE = "ctello@inia.gob.pe"
SELF_NOMINATED = "daniel.mensah.gh@gmail.com"

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
    # One served site per module: its tests run in one worker when the suite runs in several.
    pytest.mark.xdist_group("web-browser"),
]


@pytest.fixture(scope="module")
def site(seed, tmp_path_factory):
    """The app on a copy of the seed, served by uvicorn in a thread on a free port."""
    folder = tmp_path_factory.mktemp("web-browser")
    shutil.copy(seed.database, folder / "nombot.db")
    services = services_on(seed, f"sqlite:///{folder / 'nombot.db'}", folder)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(services, SECRET), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield services, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    services.engine.dispose()


@pytest.fixture
def page(chromium, site):
    """A fresh browser context (no cookies) that records any dialog a script would open."""
    context = chromium.new_context(base_url=site[1])
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def sign_in(page) -> None:
    page.goto("/review")
    assert "/login" in page.url
    page.fill("input[name=email]", DECIDER[0])
    page.fill("input[name=password]", DECIDER[2])
    page.click("button[type=submit]")
    page.wait_for_url("**/review")


def item(page, services, address: str):
    return page.locator(f'[data-participant-id="{participant(services, address).id}"]')


def test_a_decider_works_through_the_queue_in_the_browser(page, site, artifacts):
    services, _ = site
    sign_in(page)
    late = item(page, services, LATE)
    assert LATE in late.inner_text()
    late.get_by_role("button", name="Accept", exact=True).click()
    page.wait_for_load_state()
    assert f"{LATE} (cb-forum-2025) is now confirmed." in page.inner_text("main")
    assert participant(services, LATE).status == "confirmed"

    other = item(page, services, SELF_NOMINATED)
    other.locator("input[name=reason]").fill("not nominated by a focal point")
    other.get_by_role("button", name="Reject", exact=True).click()
    page.wait_for_load_state()
    assert participant(services, SELF_NOMINATED).status == "rejected"
    page.screenshot(path=str(artifacts / "review.png"), full_page=True)

    row = participant(services, LATE)
    page.goto(f"/participants/{row.id}")
    page.fill("input[name=name]", "Carmen Tello")
    page.fill("input[name=note]", "as in her passport")
    page.get_by_role("button", name="Save the corrections").click()
    page.wait_for_load_state()
    history = page.inner_text("table")
    assert "correct_name" in history and DECIDER[0] in history and "as in her passport" in history

    page.goto("/participants/new")
    page.fill("input[name=email]", "ama.owusu@epa.gov.gh")
    page.fill("input[name=name]", "Ama Owusu")
    page.fill("input[name=source]", "letter of 3 July")
    page.get_by_role("button", name="Add and confirm").click()
    page.wait_for_load_state()
    assert "ama.owusu@epa.gov.gh is registered for cb-forum-2025" in page.inner_text("main")

    exported = {r["email"]: r for r in page.request.get("/api/participants").json()}
    assert exported[LATE]["name"] == "Carmen Tello" and exported[LATE]["status"] == "confirmed"
    assert exported[SELF_NOMINATED]["status"] == "rejected"
    assert exported["ama.owusu@epa.gov.gh"]["status"] == "confirmed"
    page.goto("/events/cb-forum-2025")
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert (artifacts / "dashboard.png").stat().st_size > 0
    assert page.dialogs == []


def test_hostile_text_renders_as_text_and_runs_nothing(page, site):
    services, _ = site
    sign_in(page)
    rui = item(page, services, "rui.costa@example.net")
    assert HOSTILE_NAME in rui.inner_text()
    assert HOSTILE_ORGANIZATION in item(page, services, "lia.santos@example.net").inner_text()
    for summary in page.locator("summary").all():  # open each message's text
        summary.click()
    assert "<script>alert('body')</script><img src=\"x\"" in page.inner_text("main")
    rui_page = f"/participants/{participant(services, 'rui.costa@example.net').id}"
    for path, shown in (
        ("/participants", HOSTILE_NAME),
        (rui_page, HOSTILE_NAME),
        ("/messages", "<script>alert('from')</script> Ana Lopes"),
    ):
        page.goto(path)
        assert shown in page.inner_text("main"), path
    assert page.locator("img").count() == 0
    assert page.dialogs == []
