"""After publication: withdrawal cancels the invitation (same UIDs, METHOD:CANCEL),
resending sends a fresh copy, own links replace the event's, a corrected address gets
its own copy, and a broken instructions file never costs a nomination."""

import pytest
from sqlmodel import Session, select

from bot.access.dispatch import dispatch_access
from bot.access.publish import publish
from bot.access.resend import resend_access
from bot.errors import UserError
from bot.staff.review import decide_participant
from bot.store.models import InboundMessage
from bot.vocab import Change, Flag, Template
from tests.access.conftest import (
    E2E,
    EXAMPLES,
    SLUG,
    mails,
    nominate,
    participant,
    update_participant,
)

JANE = "jane.mwangi@biosafetykenya.go.ke"
PETER = "p.otieno@kephis.go.ke"


@pytest.fixture
def published(services):
    nominate(services, E2E / "kenya.eml", E2E / "senegal.eml")
    publish(services, SLUG)
    assert sorted(m.to for m in mails(services)) == sorted([JANE, PETER, "moussa.diop@anb.gouv.sn"])
    return services


def test_withdrawn_after_receiving_it_gets_a_cancellation(published):
    [request] = [m for m in mails(published) if m.to == PETER]

    nominate(published, E2E / "kenya-withdraw-by-name.eml")  # the pipeline withdraws him

    [cancel] = mails(published, Template.ACCESS_CANCELLED)
    assert cancel.to == PETER
    assert cancel.message["Content-Language"] == "en"
    assert "You are no longer registered for the Online Forum" in cancel.text
    assert cancel.ics_part.get_param("method") == "CANCEL"
    assert cancel.calendar["METHOD"] == "CANCEL"
    assert cancel.uids == request.uids  # the very events the invitation created
    for old, new in zip(request.vevents, cancel.vevents, strict=True):
        assert str(new["STATUS"]) == "CANCELLED"
        assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
        assert new.decoded("DTSTART") == old.decoded("DTSTART")
    row = participant(published, PETER)
    assert row.status == "withdrawn"
    assert row.access_cancelled_at is not None and row.access_cancelled_at > row.access_sent_at

    assert dispatch_access(published).queued == 0  # cancelled once, not at every run
    assert len(mails(published, Template.ACCESS_CANCELLED)) == 1
    assert len(mails(published)) == 3  # and the withdrawn get no new access


def test_staff_withdrawal_or_rejection_cancels_too_in_the_language(published):
    decide_participant(published, "moussa.diop@anb.gouv.sn", Change.REJECT, "duplicate", who="t")
    decide_participant(published, JANE, Change.WITHDRAW, None, who="t")

    cancels = {m.to: m for m in mails(published, Template.ACCESS_CANCELLED)}
    assert sorted(cancels) == sorted([JANE, "moussa.diop@anb.gouv.sn"])
    french = cancels["moussa.diop@anb.gouv.sn"]
    assert french.message["Content-Language"] == "fr"
    assert "Vous n'êtes plus inscrit(e)" in french.text
    assert "retire les séances de votre agenda" in french.text


def test_withdrawn_before_publication_get_nothing_at_all(services):
    nominate(services, E2E / "kenya.eml")
    nominate(services, E2E / "kenya-withdraw-by-name.eml")
    publish(services, SLUG)
    assert [m.to for m in mails(services)] == [JANE]
    assert mails(services, Template.ACCESS_CANCELLED) == []


def test_confirmed_again_after_a_cancellation_is_invited_again(published):
    decide_participant(published, PETER, Change.WITHDRAW, None, who="t")
    decide_participant(published, PETER, Change.ACCEPT, None, who="t")

    requests = [m for m in mails(published) if m.to == PETER]
    [cancel] = mails(published, Template.ACCESS_CANCELLED)
    assert len(requests) == 2
    assert requests[1].uids == requests[0].uids == cancel.uids
    sequences = [int(m.vevents[0]["SEQUENCE"]) for m in (requests[0], cancel, requests[1])]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3


def test_resend_queues_a_fresh_copy_and_updates_the_time(published):
    first = participant(published, JANE).access_sent_at

    row = resend_access(published, JANE.upper())

    assert row.email == JANE
    copies = [m for m in mails(published) if m.to == JANE]
    assert len(copies) == 2
    assert copies[1].uids == copies[0].uids
    assert int(copies[1].vevents[0]["SEQUENCE"]) == int(copies[0].vevents[0]["SEQUENCE"]) + 1
    assert participant(published, JANE).access_sent_at > first
    assert dispatch_access(published).queued == 0


def test_resend_refuses_what_it_cannot_send(published):
    nominate(published, EXAMPLES / "04-peru-late.eml", received=None)
    with pytest.raises(UserError, match="ctello@inia.gob.pe is pending"):
        resend_access(published, "ctello@inia.gob.pe")
    with pytest.raises(UserError, match="no participant nobody@example.org"):
        resend_access(published, "nobody@example.org")
    with pytest.raises(UserError, match="no participant .* in other-event"):
        resend_access(published, JANE, "other-event")
    update_participant(published, PETER, flags=[str(Flag.UNDELIVERABLE)])
    with pytest.raises(UserError, match="undeliverable"):
        resend_access(published, PETER)
    assert len(mails(published)) == 3


def test_resend_before_publication_says_so(services):
    nominate(services, E2E / "kenya.eml")
    with pytest.raises(UserError, match="not published yet .*nombot access publish"):
        resend_access(services, JANE)


def test_a_corrected_address_gets_its_own_copy(published):
    nominate(published, E2E / "kenya-correct-address.eml")

    row = participant(published, "peter.otieno@kephis.org")
    assert row.status == "confirmed"
    [copy] = [m for m in mails(published) if m.to == "peter.otieno@kephis.org"]
    assert copy.message["To"].addresses[0].addr_spec == "peter.otieno@kephis.org"
    assert len(mails(published)) == 4
    assert dispatch_access(published).queued == 0


def test_a_broken_instructions_file_never_costs_a_nomination(services):
    nominate(services, E2E / "kenya.eml")
    publish(services, SLUG)
    french = services.config.rules_path / "access" / "cb-forum-2025.fr.md"
    good = french.read_bytes()
    french.write_bytes("Connectez-vous à l'heure.\n".encode("latin-1"))

    nominate(services, E2E / "senegal.eml")  # confirmed after publication

    with Session(services.engine) as session:
        outcomes = [m.outcome for m in session.exec(select(InboundMessage)).all()]
    assert outcomes == ["accepted", "accepted"]  # the nomination stands
    assert participant(services, "moussa.diop@anb.gouv.sn").status == "confirmed"
    assert participant(services, "moussa.diop@anb.gouv.sn").access_sent_at is None
    report = dispatch_access(services)
    assert report.errors == {SLUG: "1 participant(s) not mailed"}
    assert "not UTF-8" in report.events[0].failed["moussa.diop@anb.gouv.sn"]

    french.write_bytes(good)
    assert dispatch_access(services).queued == 1
    [mail] = [m for m in mails(services) if m.to == "moussa.diop@anb.gouv.sn"]
    assert "dix minutes avant" in mail.text
