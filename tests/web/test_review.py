"""The review page and the decisions taken on it: its contract (every pending participant
an element with ``data-participant-id`` holding the address, with Accept and Reject), the
evidence shown for each message, the filters, and accept / reject (a reason required) /
withdraw, one at a time or for every shown item of a message — each stored with the
staff member as its actor and mailed to the participant and the nominator."""

import email
import secrets
from email import policy

import lxml.html
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from bot.store.db import upgrade
from bot.store.models import Decision, InboundMessage, OutboxMail
from bot.vocab import Template
from tests.web.conftest import (
    DECIDER,
    Browser,
    client_for,
    participant,
    seed_database,
    services_on,
)

LATE = "ctello@inia.gob.pe"  # nominated by rquispe@minam.gob.pe after the deadline
SELF_NOMINATED = "daniel.mensah.gh@gmail.com"  # not in the directory
HOSTILE = ("rui.costa@example.net", "lia.santos@example.net")  # one message, two nominees


def pending_items(html: str) -> dict[str, lxml.html.HtmlElement]:
    """Address → the element carrying ``data-participant-id`` that contains it."""
    document = lxml.html.fromstring(html)
    found = {}
    for element in document.xpath("//li[@data-participant-id]"):
        text = element.text_content()
        for address in (LATE, SELF_NOMINATED, *HOSTILE):
            if address in text:
                found[address] = element
    return found


def decision_mails(services, participant_id: int) -> list[OutboxMail]:
    with Session(services.engine) as session:
        return list(
            session.exec(
                select(OutboxMail)
                .where(
                    OutboxMail.participant_id == participant_id,
                    OutboxMail.template == Template.DECISION,
                )
                .order_by(OutboxMail.id)
            ).all()
        )


def decisions(services, participant_id: int) -> list[Decision]:
    with Session(services.engine) as session:
        return list(
            session.exec(
                select(Decision)
                .where(Decision.participant_id == participant_id)
                .order_by(Decision.id)
            ).all()
        )


def test_review_lists_every_pending_participant_with_accept_and_reject(decider, services):
    items = pending_items(decider.get("/review").text)
    assert set(items) == {LATE, SELF_NOMINATED, *HOSTILE}
    for address, element in items.items():
        row = participant(services, address)
        assert element.get("data-participant-id") == str(row.id)
        buttons = {b.text_content().strip() for b in element.xpath(".//button")}
        assert {"Accept", "Reject"} <= buttons
        [form] = element.xpath(".//form")
        assert form.get("method") == "post" and form.xpath(".//input[@name='csrf_token']")


def test_each_message_shows_its_evidence(decider):
    page = decider.get("/review").text
    # The late Peruvian nomination: the sender's role, receipt against the deadline.
    assert "Rosa Quispe Mamani &lt;rquispe@minam.gob.pe&gt;" in page
    assert "CPB-FP2 for PE Peru" in page
    assert "2025-07-12 10:21 America/Toronto — deadline 2025-07-11 23:59 America/Toronto" in page
    assert "10 h 21 min after the deadline" in page
    assert "after the deadline 2025-07-11 23:59 (America/Toronto)" in page  # the rule's reason
    # The self-nomination: nobody in the directory, authentication not checked.
    assert "(not in the directory)" in page and "<dd>none</dd>" in page
    assert "is not listed in our directory of national focal points" in page
    # The message text and attachments, and the .eml.
    assert "I work on biosafety regulation at a university in Accra." in page
    assert "&lt;img src=x onerror=alert(&#39;file&#39;)&gt;.txt" in page
    assert 'href="/messages/2/raw"' in page


def test_filters_by_event_flag_government_and_sender(decider):
    def shown(query: str) -> set[str]:
        return set(pending_items(decider.get(f"/review?{query}").text))

    assert shown("event=cb-forum-2025") == {LATE, SELF_NOMINATED, *HOSTILE}
    assert shown("event=no-such-event") == set()
    assert shown("flag=late") == {LATE}
    assert shown("flag=unauthorized_sender") == {SELF_NOMINATED, *HOSTILE}
    assert shown("government=pe") == {LATE}
    assert shown("sender=ana.lopes") == set(HOSTILE)
    assert shown("sender=Daniel") == {SELF_NOMINATED}
    assert "1 pending matching the filters" in decider.get("/review?flag=late").text


def test_accept_confirms_logs_the_staff_member_and_mails_participant_and_nominator(
    decider, services
):
    row = participant(services, LATE)
    response = decider.submit(
        "/review/decide",
        {"participant": row.id, "action": "accept", "reason": "late by hours", "next": "/review"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/review"
    assert participant(services, LATE).status == "confirmed"
    last = decisions(services, row.id)[-1]
    assert (last.action, last.actor, last.reason) == ("accept", DECIDER[0], "late by hours")
    assert (last.from_status, last.to_status) == ("pending", "confirmed")
    assert sorted(m.to_email for m in decision_mails(services, row.id)) == [
        LATE,
        "rquispe@minam.gob.pe",
    ]
    page = decider.get("/review").text
    assert f"{LATE} (cb-forum-2025) is now confirmed." in page
    assert LATE not in pending_items(page)


def test_reject_needs_a_reason_and_tells_it(decider, services):
    row = participant(services, SELF_NOMINATED)
    refused = decider.submit("/review/decide", {"participant": row.id, "action": "reject"})
    assert refused.status_code == 303
    assert participant(services, SELF_NOMINATED).status == "pending"
    assert "Say why" in decider.get("/review").text
    assert decision_mails(services, row.id) == []

    reason = "not nominated by a focal point"
    decider.submit("/review/decide", {"participant": row.id, "action": "reject", "reason": reason})
    assert participant(services, SELF_NOMINATED).status == "rejected"
    [mail] = decision_mails(services, row.id)  # he is his own nominator: one mail
    text = email.message_from_bytes(mail.data, policy=policy.default).get_body(("plain",))
    assert reason in text.get_content()


def test_withdraw_and_deciding_twice(decider, services):
    row = participant(services, LATE)
    decider.submit("/review/decide", {"participant": row.id, "action": "withdraw"})
    assert participant(services, LATE).status == "withdrawn"
    decider.submit(
        "/review/decide",
        {"participant": row.id, "action": "withdraw", "next": f"/participants/{row.id}"},
    )
    assert f"{LATE} is already withdrawn" in decider.get(f"/participants/{row.id}").text
    assert (
        decider.submit("/review/decide", {"participant": row.id, "action": "x"}).status_code == 400
    )


def _hostile_message(services) -> int:
    with Session(services.engine) as session:
        query = select(InboundMessage.id).where(
            InboundMessage.message_id == "<hostile-1@example.net>"
        )
        return session.exec(query).one()


def test_all_items_of_one_message_at_once(decider, services):
    message_id = _hostile_message(services)
    ids = [participant(services, a).id for a in HOSTILE]
    page = decider.get("/review").text
    assert "Accept all 2" in page and "Reject all 2" in page

    form = {"message": message_id, "participant": ids, "action": "reject"}
    decider.submit("/review/message", form)
    assert {participant(services, a).status for a in HOSTILE} == {"pending"}

    decider.submit("/review/message", {**form, "reason": "no focal point sent this"})
    assert {participant(services, a).status for a in HOSTILE} == {"rejected"}
    for participant_id in ids:
        assert decisions(services, participant_id)[-1].actor == DECIDER[0]
    # Another message's participant slipped into the form is not touched.
    late = participant(services, LATE)
    decider.submit("/review/message", {**form, "participant": [late.id], "action": "accept"})
    assert participant(services, LATE).status == "pending"


def test_a_decision_on_postgresql(seed, postgres_database, tmp_path):
    """The decision path once on PostgreSQL, on nominations run through the pipeline."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = f"{postgres_database}?options=-csearch_path%3D{schema}"
    services = services_on(seed, url, tmp_path)
    upgrade(services.engine)
    seed_database(services)
    try:
        with client_for(services) as client:
            staff = Browser(client)
            assert staff.sign_in().status_code == 303
            row = participant(services, LATE)
            staff.submit("/review/decide", {"participant": row.id, "action": "accept"})
            assert participant(services, LATE).status == "confirmed"
            assert decisions(services, row.id)[-1].actor == DECIDER[0]
            assert len(decision_mails(services, row.id)) == 2
    finally:
        services.engine.dispose()
