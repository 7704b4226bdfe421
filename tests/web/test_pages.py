"""The reading pages: the events overview, the messages with their outcomes and replies,
one message's page, the directory, and what an unknown address answers."""

from sqlmodel import Session, select

from bot.config import LimitsConfig
from bot.store.models import InboundMessage
from bot.web.evidence import message_text
from tests.web.conftest import WEB_DATA

PERU = "<0f3e8b7c91@minam.gob.pe>"


def message_id(services, message_id_header: str) -> int:
    with Session(services.engine) as session:
        query = select(InboundMessage.id).where(InboundMessage.message_id == message_id_header)
        return session.exec(query).one()


def test_the_overview_lists_each_event_with_its_counts(decider):
    page = decider.get("/").text
    assert 'href="/events/cb-forum-2025"' in page
    assert "Online Forum on Capacity-building for Biosafety" in page
    assert "2025-07-11 23:59 America/Toronto" in page and "not published" in page


def test_messages_show_outcomes_and_replies_and_filter(decider):
    page = decider.get("/messages").text
    assert "8 message(s)" in page  # the example inbox and the hostile message
    assert "Nominación Perú - Foro en línea sobre creación de capacidad" in page
    assert "<td>late</td>" in page and "<td>confirmation</td>" in page
    late = decider.get("/messages?outcome=late").text
    assert "1 message(s)" in late and "minam.gob.pe" in late
    assert "2 message(s)" in decider.get("/messages?outcome=ignored").text
    assert "1 message(s)" in decider.get("/messages?q=quispe").text
    assert "0 message(s)" in decider.get("/messages?event=no-such-event").text


def test_a_message_page_shows_what_the_bot_read_and_did(decider, services):
    page = decider.get(f"/messages/{message_id(services, PERU)}").text
    assert "Rosa Quispe Mamani &lt;rquispe@minam.gob.pe&gt;" in page
    assert "10 h 21 min after the deadline" in page
    assert "CPB-FP2 for PE Peru" in page
    assert "ctello@inia.gob.pe" in page and "— pending" in page
    assert "late to rquispe@minam.gob.pe" in page  # the reply it got
    assert "Disculpen la demora." in page  # its text


def test_the_directory_lists_and_searches_focal_points(decider):
    page = decider.get("/directory").text
    assert "9 of 9 entries" in page and "s.kiprono@environment.go.ke" in page
    found = decider.get("/directory?q=ghana").text
    assert "1 of 9 entries" in found and "k.asante@epa.gov.gh" in found
    assert "2 of 9 entries" in decider.get("/directory?q=ORG:").text


def test_unknown_addresses_answer_404_pages(decider):
    for path in ("/events/no-such-event", "/participants/99999", "/messages/99999", "/nowhere"):
        response = decider.get(path)
        assert response.status_code == 404 and "<h1>404</h1>" in response.text, path
    assert decider.get("/api/nowhere").json() == {"error": "Not Found"}


def test_a_message_with_only_html_is_shown_as_its_text():
    raw = (WEB_DATA / "html-only.eml").read_bytes()
    shown = message_text(raw, LimitsConfig())
    assert shown.text.splitlines() == [
        "Estimados colegas:",
        "Nombre | Correo",
        "Laura Hernández <Soto> | lhernandez@cibiogem.gob.mx",
    ]
    assert shown.attachments == [] and not shown.cut
