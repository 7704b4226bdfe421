"""The digest of a seeded database as staff receive it: the review queue, the governments
that have not nominated, the health line, access state; its HTML part rendered in headless
Chromium (screenshot kept as an artifact) and every participant in the CSV attachment."""

import csv
import io
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from sqlmodel import Session, select

from bot.staff.digest import build_digest, queue_digest, render_digest
from bot.store.models import OutboxMail, Participant
from bot.vocab import Template
from tests.access.conftest import E2E, EXAMPLES, add_access, make_services, nominate

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def services(tmp_path, database_url, rules_dir):
    add_access(rules_dir)
    services = make_services(tmp_path, database_url, rules_dir)
    services.config.digest.to = ["staff@cbd.int"]
    services.config.digest.review_url = "https://nominations.cbd.int/review"
    nominate(services, E2E / "kenya.eml", E2E / "china.eml", received=ON_TIME)
    late = datetime(2025, 7, 12, 14, 0, tzinfo=UTC)
    nominate(services, EXAMPLES / "04-peru-late.eml", received=late)
    yield services
    services.engine.dispose()


def queued_digest(services):
    assert queue_digest(services, build_digest(services))
    with Session(services.engine) as session:
        query = select(OutboxMail).where(OutboxMail.template == Template.DIGEST)
        [row] = session.exec(query).all()
    return message_from_bytes(row.data, policy=policy.default)


def test_the_digest_lists_the_queue_the_governments_and_the_health(services):
    text, html, subject = render_digest(services, build_digest(services))
    assert "waiting for a decision" in subject
    assert "ctello@inia.gob.pe> (Peru) [late]" in text
    assert "Decide on the review page: https://nominations.cbd.int/review" in text
    # Kenya and China nominated; the other governments of the directory have not.
    assert "Governments that have nominated: 3" in text  # Peru's late one is pending
    assert "Governments whose focal points have not nominated yet: 4" in text
    for line in ("Senegal (SN): aminata.ndiaye@", "Ghana (GH): k.asante@epa.gov.gh"):
        assert line in text
    assert "Kenya (KE)" not in text
    assert "Last successful check of the inbox:" in text
    assert "Access instructions: not published yet." in text


def test_the_digest_is_written_in_the_secretariats_language(services):
    services.config.digest.language = "fr"
    text, _, subject = render_digest(services, build_digest(services))
    assert subject.startswith("Récapitulatif des candidatures")
    assert "Gouvernements dont les correspondants n'ont pas encore présenté" in text
    assert "Sénégal (SN)" in text


def test_the_csv_attachment_has_one_row_per_participant(services):
    message = queued_digest(services)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "participants.csv"
    data = attachment.get_payload(decode=True)
    assert data.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    with Session(services.engine) as session:
        people = session.exec(select(Participant)).all()
    assert sorted((r["email"], r["name"]) for r in rows) == sorted(
        (p.email, p.name) for p in people
    )
    assert any(not r["name"].isascii() for r in rows)  # the Chinese nominees, intact
    assert message["Content-Language"] == "en"


def test_a_second_digest_covers_only_what_came_after_the_first(services):
    queued_digest(services)
    later = build_digest(services)
    assert later.outcomes == {}  # nothing processed since the first digest
    assert later.pending  # the queue is listed whole every time


def test_the_html_part_renders_in_a_browser(services, chromium, artifacts):
    html = queued_digest(services).get_body(("html",)).get_content()
    page = chromium.new_page()
    page.set_content(html)
    rows = page.locator("table.review tr[data-participant-id]")
    assert rows.count() >= 1
    assert any("ctello@inia.gob.pe" in row for row in rows.all_inner_texts())
    assert page.locator("table.not-nominated tr").count() == 5  # a header and 4 rows
    assert "Health of the bot" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "digest.png"), full_page=True)
    page.close()
    assert (artifacts / "digest.png").stat().st_size > 10_000
