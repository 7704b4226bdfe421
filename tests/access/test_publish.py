"""Publishing access: one mail per confirmed participant, in the nominator's language,
with the link, the session times in the event's zone and in UTC, the instructions and a
calendar invitation — and nothing for anyone else, nor twice."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.access.calendar import event_uid
from bot.access.dispatch import dispatch_access
from bot.access.publish import publish, published_at
from bot.errors import ConfigError, UserError
from bot.staff.review import decide_participant
from bot.vocab import Change, Flag
from tests.access.conftest import (
    E2E,
    EVENT_URL,
    EXAMPLES,
    SLUG,
    add_access,
    mails,
    make_services,
    nominate,
    participant,
    update_participant,
)

TORONTO = ZoneInfo("America/Toronto")
LANGUAGES = {  # confirmed by the pipeline, with the language of their nominator
    "jane.mwangi@biosafetykenya.go.ke": "en",
    "p.otieno@kephis.go.ke": "en",
    "moussa.diop@anb.gouv.sn": "fr",
    "lhernandez@cibiogem.gob.mx": "es",
    "liming@mee.gov.cn": "zh",
}
WITHDRAWN = "p.otieno@kephis.go.ke"  # by his focal point, before publication
UNDELIVERABLE = "zhangwei@craes.org.cn"
LATE = "ctello@inia.gob.pe"  # pending (late), then rejected by staff
UNAUTHORIZED = "daniel.mensah.gh@gmail.com"  # pending (not a focal point)


@pytest.fixture
def registered(services):
    """Confirmed, pending, withdrawn, rejected and undeliverable participants."""
    nominate(
        services,
        E2E / "kenya.eml",
        E2E / "senegal.eml",
        E2E / "mexico.eml",
        E2E / "china.eml",
    )
    late_or_unverified = (EXAMPLES / "04-peru-late.eml", EXAMPLES / "05-personal-address.eml")
    nominate(services, *late_or_unverified, received=None)  # received as their headers say
    nominate(services, E2E / "kenya-withdraw-by-name.eml")
    update_participant(services, UNDELIVERABLE, flags=[str(Flag.UNDELIVERABLE)])
    decide_participant(services, LATE, Change.REJECT, "after the deadline", who="test")
    assert participant(services, WITHDRAWN).status == "withdrawn"
    assert participant(services, UNAUTHORIZED).status == "pending"
    return services


def test_nothing_is_sent_before_publication(registered):
    assert mails(registered) == []
    assert dispatch_access(registered).queued == 0  # no publish_at: staff publish by hand
    with Session(registered.engine) as session:
        assert published_at(session, SLUG) is None


def test_one_mail_per_confirmed_participant_in_the_nominators_language(registered):
    report = publish(registered, SLUG)

    assert report.newly_published and report.published_at is not None
    expected = {a: lang for a, lang in LANGUAGES.items() if a != WITHDRAWN}
    sent = mails(registered)
    assert sorted(m.to for m in sent) == sorted(expected)  # one each, nobody else
    for mail in sent:
        assert mail.message["Content-Language"] == expected[mail.to]
        assert mail.message["Auto-Submitted"] == "auto-generated"
        assert mail.message["To"].addresses[0].addr_spec == mail.to
        assert participant(registered, mail.to).access_sent_at is not None
    for address in (WITHDRAWN, UNDELIVERABLE, LATE, UNAUTHORIZED):
        assert participant(registered, address).access_sent_at is None
    subjects = {m.to: str(m.message["Subject"]) for m in sent}
    assert subjects["moussa.diop@anb.gouv.sn"].startswith("Accès à l'événement")
    assert subjects["lhernandez@cibiogem.gob.mx"].startswith("Acceso al evento")
    assert "参会方式" in subjects["liming@mee.gov.cn"]


def test_the_mail_says_when_where_and_how(registered):
    publish(registered, SLUG)
    mail = next(m for m in mails(registered) if m.to == "jane.mwangi@biosafetykenya.go.ke")

    text, html = mail.text, mail.html
    assert text.startswith("Dear Jane Mwangi,")
    assert "from July 14, 2025 to July 18, 2025" in text
    assert EVENT_URL in text and f'href="{EVENT_URL}"' in html
    assert "personal link" not in text  # no own link imported: the event's
    # Session times in the event's zone and in UTC (the second crosses midnight UTC).
    assert "Monday, July 14, 2025: 09:00–12:00 (America/Toronto) · 13:00–16:00 UTC" in text
    assert "21:00–23:30 (America/Toronto) · 01:00–03:30 UTC (July 16, 2025)" in text
    # The instructions, rendered from Markdown: HTML in one part, text in the other.
    assert "<li>Join <strong>ten minutes before</strong> each session" in html
    assert "1. Join ten minutes before each session" in text
    assert "**" not in text and "<strong>" not in text
    assert "Forum's page <https://bch.cbd.int/en/onlineforums>" in text

    french = next(m for m in mails(registered) if m.to == "moussa.diop@anb.gouv.sn")
    assert "Connectez-vous <strong>dix minutes avant</strong>" in french.html
    assert "lundi 14 juillet 2025 : 09:00–12:00 (America/Toronto)" in french.text
    # No Portuguese or Chinese instructions exist: the event's language (en) stands in.
    chinese = next(m for m in mails(registered) if m.to == "liming@mee.gov.cn")
    assert "Join ten minutes before each session" in chinese.text
    assert "2025年7月14日星期一" in chinese.text


def test_the_calendar_invitation(registered):
    publish(registered, SLUG)
    mail = next(m for m in mails(registered) if m.to == "jane.mwangi@biosafetykenya.go.ke")

    part = mail.ics_part
    assert part.get_filename() == f"{SLUG}.ics"
    assert part.get_param("method") == "REQUEST"
    calendar = mail.calendar
    assert calendar["METHOD"] == "REQUEST"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Toronto"]
    first, second = mail.vevents
    starts = first.decoded("DTSTART")
    assert starts == datetime(2025, 7, 14, 9, 0, tzinfo=TORONTO)
    assert starts.astimezone(UTC) == datetime(2025, 7, 14, 13, 0, tzinfo=UTC)
    assert first["DTSTART"].params["TZID"] == "America/Toronto"
    assert second.decoded("DTEND").astimezone(UTC) == datetime(2025, 7, 16, 3, 30, tzinfo=UTC)
    for index, vevent in enumerate((first, second)):
        assert str(vevent["UID"]) == event_uid(SLUG, index, mail.to)
        assert str(vevent["ORGANIZER"]) == "mailto:secretariat@cbd.int"
        assert str(vevent["ATTENDEE"]) == f"mailto:{mail.to}"
        assert vevent["ATTENDEE"].params["CN"] == "Jane Mwangi"
        assert str(vevent["LOCATION"]) == EVENT_URL
        assert int(vevent["SEQUENCE"]) == 0
    uids = {uid for m in mails(registered) for uid in m.uids}
    assert len(uids) == 2 * len(mails(registered))  # nobody shares a UID


def test_publishing_again_or_dispatching_sends_nothing_twice(registered):
    publish(registered, SLUG)
    count = len(mails(registered))
    first_sent = participant(registered, "jane.mwangi@biosafetykenya.go.ke").access_sent_at

    again = publish(registered, SLUG)
    report = dispatch_access(registered)

    assert not again.newly_published and again.access == []
    assert report.queued == 0 and report.errors == {}
    assert len(mails(registered)) == count
    assert participant(registered, "jane.mwangi@biosafetykenya.go.ke").access_sent_at == first_sent


def test_confirmed_after_publication_get_theirs_upon_confirmation(services):
    nominate(services, E2E / "kenya.eml")
    publish(services, SLUG)
    assert len(mails(services)) == 2

    nominate(services, E2E / "mexico.eml")  # the pipeline confirms her: same transaction
    [mexican] = [m for m in mails(services) if m.to == "lhernandez@cibiogem.gob.mx"]
    assert mexican.message["Content-Language"] == "es"

    nominate(services, EXAMPLES / "04-peru-late.eml", received=None)
    assert participant(services, "ctello@inia.gob.pe").status == "pending"
    assert [m for m in mails(services) if m.to == "ctello@inia.gob.pe"] == []
    decide_participant(services, "ctello@inia.gob.pe", Change.ACCEPT, None, who="test")
    [peruvian] = [m for m in mails(services) if m.to == "ctello@inia.gob.pe"]
    assert peruvian.message["Content-Language"] == "es"  # her focal point wrote in Spanish
    assert participant(services, "ctello@inia.gob.pe").access_sent_at is not None
    assert dispatch_access(services).queued == 0


def test_dispatch_publishes_once_publish_at_has_passed(tmp_path, database_url, rules_dir):
    add_access(rules_dir, publish_at="2025-07-12T09:00:00")  # Toronto: 13:00 UTC
    services = make_services(tmp_path, database_url, rules_dir)
    try:
        nominate(services, E2E / "kenya.eml")

        early = dispatch_access(services, now=datetime(2025, 7, 12, 12, 59, tzinfo=UTC))
        assert early.events == [] and mails(services) == []

        due = dispatch_access(services, now=datetime(2025, 7, 12, 13, 0, tzinfo=UTC))
        assert [e.newly_published for e in due.events] == [True]
        assert sorted(m.to for m in mails(services)) == [
            "jane.mwangi@biosafetykenya.go.ke",
            "p.otieno@kephis.go.ke",
        ]
        later = dispatch_access(services, now=datetime(2025, 7, 13, tzinfo=UTC))
        assert later.queued == 0 and not later.events[0].newly_published
    finally:
        services.engine.dispose()


def test_without_sessions_the_invitation_spans_the_event(tmp_path, database_url, rules_dir):
    add_access(rules_dir, sessions=False)
    services = make_services(tmp_path, database_url, rules_dir)
    try:
        nominate(services, E2E / "senegal.eml")
        publish(services, SLUG)
        [mail] = mails(services)
        [vevent] = mail.vevents
        assert vevent.decoded("DTSTART") == date(2025, 7, 14)  # all day, every day
        assert vevent.decoded("DTEND") == date(2025, 7, 19)  # DTEND is exclusive
        assert vevent["DTSTART"].params.get("VALUE") == "DATE"
        assert str(vevent["UID"]) == event_uid(SLUG, 0, "moussa.diop@anb.gouv.sn")
        assert "Séances" not in mail.text and "ajoute l'événement à votre agenda" in mail.text
    finally:
        services.engine.dispose()


def test_untrusted_names_reach_no_header_and_are_escaped(services):
    nominate(services, E2E / "kenya.eml")
    evil = 'Jane\r\nBcc: victim@example.org\r\n<script>alert("x")</script>'
    update_participant(services, "jane.mwangi@biosafetykenya.go.ke", name=evil)
    publish(services, SLUG)
    mail = next(m for m in mails(services) if m.to == "jane.mwangi@biosafetykenya.go.ke")

    assert mail.message["Bcc"] is None
    header_lines = mail.row.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert not any(line.lower().startswith(b"bcc:") for line in header_lines)
    assert "\n" not in str(mail.message["To"]) and "\r" not in str(mail.message["To"])
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    attendee = mail.vevents[0]["ATTENDEE"].params["CN"]
    assert "\r" not in attendee and "\n" not in attendee


def test_a_misconfigured_access_is_one_clear_line(tmp_path, database_url, rules_dir):
    event_file = rules_dir / "events" / f"{SLUG}.toml"
    event_file.write_text(
        event_file.read_text()
        + '\n[access]\nurl = "https://meet.cbd.int/x"\ninstructions = "access/none.{lang}.md"\n'
    )
    services = make_services(tmp_path, database_url, rules_dir)
    try:
        with pytest.raises(ConfigError, match=r"access\.instructions: no file .*none\.en\.md"):
            publish(services, SLUG)
        with pytest.raises(UserError, match="no event 'nope'"):
            publish(services, "nope")
        with Session(services.engine) as session:
            assert published_at(session, SLUG) is None  # nothing half-done
    finally:
        services.engine.dispose()
