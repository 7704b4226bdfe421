"""Participants on the web: corrections (an address change mailed to the nominator),
participants added by hand, the list's search and its CSV / XLSX exports, the JSON views
(the very shapes of ``nombot participants|messages --format json``), the raw ``.eml``
download, the dashboard, and hostile text shown as text on every page."""

import csv
import email
import io
import json
from email import policy

import lxml.html
from openpyxl import load_workbook
from sqlmodel import Session, select

from bot.access.publish import publish
from bot.staff.reports import PARTICIPANT_FIELDS, message_rows, participant_rows
from bot.store.models import Decision, InboundMessage, OutboxMail, RawMessage
from bot.vocab import Template
from tests.web.conftest import DECIDER, HOSTILE_NAME, HOSTILE_ORGANIZATION, participant

LATE = "ctello@inia.gob.pe"
KENYA = "jane.mwangi@biosafetykenya.go.ke"  # confirmed, nominated by s.kiprono@environment.go.ke


def history(services, participant_id: int) -> list[Decision]:
    with Session(services.engine) as session:
        query = select(Decision).where(Decision.participant_id == participant_id)
        return list(session.exec(query.order_by(Decision.id)).all())


def mails(services, template: Template) -> list[OutboxMail]:
    with Session(services.engine) as session:
        query = select(OutboxMail).where(OutboxMail.template == template)
        return list(session.exec(query.order_by(OutboxMail.id)).all())


def text_of(mail: OutboxMail) -> str:
    message = email.message_from_bytes(mail.data, policy=policy.default)
    return message.get_body(("plain",)).get_content()


def edit(decider, row, **changes):
    form = {"name": row.name or "", "email": row.email, "organization": row.organization or ""}
    return decider.submit(f"/participants/{row.id}/edit", {**form, **changes})


def test_correcting_a_name_and_organization_is_kept_in_the_history(decider, services):
    row = participant(services, LATE)
    response = edit(decider, row, name="Carmen Tello Vargas", organization="INIA", note="by phone")
    assert response.status_code == 303
    changed = participant(services, LATE)
    assert (changed.name, changed.organization) == ("Carmen Tello Vargas", "INIA")
    actions = [(d.action, d.actor, d.reason) for d in history(services, row.id)[-2:]]
    assert actions == [
        ("correct_name", DECIDER[0], "was Carmen Rosa Tello Vargas; by phone"),
        ("correct_organization", DECIDER[0], "was (none); by phone"),
    ]
    page = decider.get(f"/participants/{row.id}").text
    assert "Corrected: name, organization." in page
    assert "correct_name" in page and DECIDER[0] in page and "by phone" in page
    assert mails(services, Template.PARTICIPANT_UPDATED) == []  # no address changed


def test_a_new_address_is_mailed_to_the_nominator_in_their_language(decider, services):
    row = participant(services, LATE)
    edit(decider, row, email="Carmen.Tello@INIA.gob.pe")
    changed = participant(services, "carmen.tello@inia.gob.pe")
    assert changed.id == row.id
    last = history(services, row.id)[-1]
    assert (last.action, last.actor, last.reason) == (
        "correct_address",
        DECIDER[0],
        f"was {LATE}",
    )
    [mail] = mails(services, Template.PARTICIPANT_UPDATED)
    assert mail.to_email == "rquispe@minam.gob.pe" and mail.participant_id == row.id
    message = email.message_from_bytes(mail.data, policy=policy.default)
    assert message["Content-Language"] == "es"  # the Peruvian focal point wrote in Spanish
    body = text_of(mail)
    assert "carmen.tello@inia.gob.pe" in body and f"(antes {LATE})" in body
    assert (
        "The nominator is told of the new address." in decider.get(f"/participants/{row.id}").text
    )


def test_an_address_taken_or_invalid_is_refused(decider, services):
    row = participant(services, LATE)
    for address, problem in (
        (KENYA, "is already registered"),
        ("not an address", "is not an e-mail address"),
        ("secretariat@cbd.int", "own address, not a participant"),
    ):
        decider.submit(f"/participants/{row.id}/edit", {"name": row.name, "email": address})
        assert problem in decider.get(f"/participants/{row.id}").text
    assert participant(services, LATE).email == LATE


def test_a_participant_added_by_hand_is_confirmed_and_told(decider, services):
    form = {
        "event": "cb-forum-2025",
        "email": "Ama.Owusu@EPA.gov.gh",
        "name": "Ama Owusu",
        "organization": "Environmental Protection Agency",
        "government": "gh",
        "nominated_by": "k.asante@epa.gov.gh",
        "source": "letter of 3 July",
    }
    response = decider.submit("/participants/new", form, token_from="/participants/new")
    assert response.status_code == 303
    row = participant(services, "ama.owusu@epa.gov.gh")
    assert response.headers["location"] == f"/participants/{row.id}"
    assert (row.status, row.government, row.country) == ("confirmed", "GH", "GH")
    assert row.source == "by hand: letter of 3 July"
    steps = [
        (d.action, d.from_status, d.to_status, d.actor, d.reason) for d in history(services, row.id)
    ]
    assert steps == [
        ("add_by_hand", None, "pending", DECIDER[0], "letter of 3 July"),
        ("accept", "pending", "confirmed", DECIDER[0], "letter of 3 July"),
    ]
    told = sorted(
        m.to_email for m in mails(services, Template.DECISION) if m.participant_id == row.id
    )
    assert told == ["ama.owusu@epa.gov.gh", "k.asante@epa.gov.gh"]
    exported = {r["email"]: r for r in decider.get("/api/participants").json()}
    assert exported["ama.owusu@epa.gov.gh"]["status"] == "confirmed"
    assert exported["ama.owusu@epa.gov.gh"]["nominated_by"] == "k.asante@epa.gov.gh"


def test_adding_by_hand_refuses_what_it_cannot_register(decider, services):
    base = {"event": "cb-forum-2025", "email": "new.person@example.org", "source": "a call"}
    for changes, problem in (
        ({"source": ""}, "say where the nomination came from"),
        ({"email": "nobody"}, "is not an e-mail address"),
        ({"email": KENYA}, "is already registered for cb-forum-2025 (confirmed)"),
        ({"government": "Kenya"}, "is not an ISO 3166 alpha-2 code"),
        ({"event": "no-such-event"}, "no event"),
    ):
        response = decider.submit("/participants/new", {**base, **changes}, "/participants/new")
        assert response.status_code == 400 and problem in response.text, changes
    assert 'value="new.person@example.org"' in response.text  # what was typed is kept
    assert "new.person@example.org" not in {
        r["email"] for r in decider.get("/api/participants").json()
    }


def test_the_list_searches_and_exports_what_it_shows(decider, services):
    page = decider.get("/participants?q=MWANGI").text
    assert KENYA in page and LATE not in page and "1 participant(s)" in page
    page = decider.get("/participants?q=minam.gob.pe").text  # the nominator's address
    assert LATE in page and "1 participant(s)" in page
    assert "0 participant(s)" in decider.get("/participants?q=mwangi&status=pending").text

    csv_response = decider.get("/participants/export.csv?status=pending")
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert 'filename="participants-all.csv"' in csv_response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert tuple(rows[0]) == PARTICIPANT_FIELDS
    assert {r["status"] for r in rows} == {"pending"} and LATE in {r["email"] for r in rows}

    xlsx = decider.get("/participants/export.xlsx?event=cb-forum-2025&q=inia")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="participants-cb-forum-2025.xlsx"' in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0] == PARTICIPANT_FIELDS and [v[1] for v in values[1:]] == [LATE]

    odd = decider.get('/participants/export.csv?event=x"%0d%0aSet-Cookie:%20a=b')
    assert odd.headers["content-disposition"] == 'attachment; filename="participants-all.csv"'


def test_the_json_views_are_the_commands_json(decider, services):
    # As `nombot participants --format json` prints them: with the id decisions take.
    everyone = participant_rows(services.engine, with_id=True)
    assert decider.get("/api/participants").json() == everyone
    assert decider.get("/api/participants?status=pending").json() == participant_rows(
        services.engine, status="pending", with_id=True
    )
    messages = decider.get("/api/messages")
    assert messages.headers["content-type"] == "application/json"
    assert messages.json() == json.loads(json.dumps(message_rows(services.engine)))


def test_the_raw_message_downloads_as_an_eml_attachment(decider, services):
    with Session(services.engine) as session:
        message = session.exec(
            select(InboundMessage).where(InboundMessage.message_id == "<hostile-1@example.net>")
        ).one()
        stored = session.exec(
            select(RawMessage).where(RawMessage.inbound_message_id == message.id)
        ).one()
    response = decider.get(f"/messages/{message.id}/raw")
    assert response.headers["content-type"] == "message/rfc822"
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="message-{message.id}.eml"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == stored.data
    assert decider.get("/messages/9999/raw").status_code == 404


def test_hostile_names_and_bodies_show_as_text_on_every_page(decider, services):
    rui = participant(services, "rui.costa@example.net")
    lia = participant(services, "lia.santos@example.net")
    with Session(services.engine) as session:
        message_id = session.exec(
            select(InboundMessage.id).where(InboundMessage.message_id == "<hostile-1@example.net>")
        ).one()
    pages = [
        "/review",
        "/participants",
        f"/participants/{rui.id}",
        f"/participants/{lia.id}",
        "/messages",
        f"/messages/{message_id}",
        "/events/cb-forum-2025",
        "/",
    ]
    for path in pages:
        document = lxml.html.fromstring(decider.get(path).text)
        assert document.xpath("//script | //img | //iframe | //object") == [], path
        handlers = [a for e in document.iter() for a in e.attrib if a.lower().startswith("on")]
        assert handlers == [], path
    review = decider.get("/review").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review  # the hostile name, as text
    assert "&lt;img src=x onerror=alert(2)&gt;" in review  # the hostile organization
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in review  # the message text
    assert "&lt;script&gt;alert(&#39;from&#39;)&lt;/script&gt; Ana Lopes" in review  # the sender
    assert HOSTILE_NAME not in review and HOSTILE_ORGANIZATION not in review


def test_the_dashboard_counts_governments_and_access(decider, services):
    page = decider.get("/events/cb-forum-2025").text
    assert "2025-07-11 23:59 America/Toronto" in page
    # Kenya, Mexico, Senegal confirmed; Peru's nominee pending (late) counts too.
    assert "Governments and organizations that have nominated (4)" in page
    # Ghana's CBD focal point may nominate (fallback, no CPB focal point); two organizations.
    assert "Not yet nominated (3)" in page
    for name in ("Ghana", "International Union for Conservation of Nature", "Tebtebba"):
        assert name in page, name
    assert "The event file has no" not in page and "nombot access publish cb-forum-2025" in page

    publish(services, "cb-forum-2025")
    page = decider.get("/events/cb-forum-2025").text
    assert "Published</dt><dd>yes" in page
    assert "<dt>In the outbox</dt><dd>5</dd>" in page
    assert "<dt>Confirmed, waiting for access</dt><dd>0</dd>" in page
