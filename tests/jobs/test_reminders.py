"""Reminders before the deadline: one per government that has not nominated, on each of
the event's reminder days, in each focal point's language, never twice in one day."""

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from sqlmodel import Session, select

from bot.jobs.reminders import reminder_day, send_reminders
from bot.store.models import OutboxMail, ReminderSent
from bot.vocab import Template
from tests.access.conftest import E2E, make_services, nominate

SLUG = "cb-forum-2025"
# The deadline is 11 July 2025, 23:59 in Toronto; reminders go out from 09:00 there.
SEVEN_DAYS_BEFORE = datetime(2025, 7, 4, 14, 0, tzinfo=UTC)  # 10:00 in Toronto
TWO_DAYS_BEFORE = datetime(2025, 7, 9, 13, 30, tzinfo=UTC)  # 09:30 in Toronto
# Every government of the test directory that may nominate, with its focal points.
GOVERNMENTS = {"CN", "GH", "MX", "PE", "SA", "SN"}


@pytest.fixture
def services(tmp_path, database_url, rules_dir):
    path = rules_dir / "events" / f"{SLUG}.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n[reminders]\ndays_before_deadline = [7, 2]\n",
        encoding="utf-8",
    )
    services = make_services(tmp_path, database_url, rules_dir)
    # Kenya has nominated (its CPB focal point, before the first reminder day).
    nominate(services, E2E / "kenya.eml", received=datetime(2025, 7, 3, 12, 0, tzinfo=UTC))
    yield services
    services.engine.dispose()


def reminders(services) -> list[OutboxMail]:
    with Session(services.engine) as session:
        return list(
            session.exec(select(OutboxMail).where(OutboxMail.template == Template.REMINDER)).all()
        )


def reminded(services) -> list[tuple[str, str]]:
    with Session(services.engine) as session:
        rows = session.exec(select(ReminderSent).order_by(ReminderSent.id)).all()
        return sorted((r.government, r.day) for r in rows)


def test_the_reminder_days_are_counted_in_the_events_timezone(services):
    event = services.event(SLUG)
    assert reminder_day(event, datetime(2025, 7, 3, 14, 0, tzinfo=UTC)) is None  # 8 days
    assert reminder_day(event, datetime(2025, 7, 4, 12, 0, tzinfo=UTC)) is None  # 08:00 there
    assert str(reminder_day(event, SEVEN_DAYS_BEFORE)) == "2025-07-04"
    # 01:00 UTC on 5 July is still 4 July in Toronto.
    assert str(reminder_day(event, datetime(2025, 7, 5, 1, 0, tzinfo=UTC))) == "2025-07-04"
    assert reminder_day(event, datetime(2025, 7, 12, 13, 0, tzinfo=UTC)) is None  # past


def test_one_reminder_per_government_on_each_day_none_for_kenya(services):
    first = send_reminders(services, SEVEN_DAYS_BEFORE)
    assert set(first.reminded[SLUG]) == GOVERNMENTS
    again = send_reminders(services, SEVEN_DAYS_BEFORE.replace(hour=20))
    assert again.reminded == {} and again.mails == 0
    send_reminders(services, TWO_DAYS_BEFORE)
    send_reminders(services, datetime(2025, 7, 10, 14, 0, tzinfo=UTC))  # not a reminder day

    assert reminded(services) == sorted(
        (g, day) for g in GOVERNMENTS for day in ("2025-07-04", "2025-07-09")
    )
    mails = reminders(services)
    assert len(mails) == 2 * len(GOVERNMENTS)  # each government has one nominator here
    assert not any(m.to_email.endswith("environment.go.ke") for m in mails)


def test_a_reminder_speaks_its_focal_points_language(services):
    send_reminders(services, SEVEN_DAYS_BEFORE)
    by_address = {
        m.to_email: message_from_bytes(m.data, policy=policy.default) for m in reminders(services)
    }
    assert by_address["m.alshehri@ncw.gov.sa"]["Content-Language"] == "ar"
    assert by_address["wangfang@mee.gov.cn"]["Content-Language"] == "zh"
    assert by_address["aminata.ndiaye@environnement.gouv.sn"]["Content-Language"] == "fr"
    french = by_address["aminata.ndiaye@environnement.gouv.sn"]
    text = french.get_body(("plain",)).get_content()
    assert "Sénégal" in text and "11 juillet 2025" in text
    assert french["Auto-Submitted"] == "auto-generated"
    # Ghana has no Cartagena Protocol focal point: its CBD focal point nominates.
    assert "k.asante@epa.gov.gh" in by_address


def test_a_government_that_nominates_between_the_days_gets_no_second_reminder(services):
    send_reminders(services, SEVEN_DAYS_BEFORE)
    senegal = E2E / "senegal.eml"
    nominate(services, senegal, received=datetime(2025, 7, 6, 12, 0, tzinfo=UTC))
    send_reminders(services, TWO_DAYS_BEFORE)
    assert ("SN", "2025-07-04") in reminded(services)
    assert ("SN", "2025-07-09") not in reminded(services)
