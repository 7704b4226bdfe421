"""The ``late`` rule: the server's receipt time against the deadline, written as local
time in the event's own time zone (``America/Toronto`` for the forum), compared as an
instant — one second decides, whatever offset the receipt time carries."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.vocab import Reason, ReasonCode
from tests.policy.rules.builders import MUTISO, analysis, facts

check = RULES["late"].check
TORONTO = ZoneInfo("America/Toronto")
MONTREAL = ZoneInfo("America/Montreal")


def late(received: str, deadline: str = "2025-07-11 23:59", zone: str = "America/Toronto"):
    return Hit(
        Reason(ReasonCode.LATE, {"received": received, "deadline": deadline, "timezone": zone})
    )


def test_the_last_second_of_the_deadline_is_on_time(forum):
    received = datetime(2025, 7, 11, 23, 59, 59, tzinfo=TORONTO)
    assert check(facts(analysis(MUTISO), forum, received_at=received)) is None


def test_one_second_after_the_deadline_is_late(forum):
    received = datetime(2025, 7, 12, 0, 0, 0, tzinfo=TORONTO)
    assert check(facts(analysis(MUTISO), forum, received_at=received)) == late("2025-07-12 00:00")


def test_the_evening_of_the_deadline_in_montreal_is_on_time_though_next_day_in_utc(forum):
    received = datetime(2025, 7, 11, 23, 10, tzinfo=MONTREAL)
    assert received.astimezone(UTC) == datetime(2025, 7, 12, 3, 10, tzinfo=UTC)
    assert check(facts(analysis(MUTISO), forum, received_at=received)) is None
    utc = datetime(2025, 7, 12, 3, 10, tzinfo=UTC)
    assert check(facts(analysis(MUTISO), forum, received_at=utc)) is None


def test_the_deadline_in_utc_is_four_hours_later_in_summer(forum):
    last = datetime(2025, 7, 12, 3, 59, 59, tzinfo=UTC)
    assert check(facts(analysis(MUTISO), forum, received_at=last)) is None
    after = last + timedelta(seconds=1)
    assert check(facts(analysis(MUTISO), forum, received_at=after)) == late("2025-07-12 00:00")


def test_the_receipt_time_is_reported_in_the_event_s_zone(forum):
    received = datetime(2025, 7, 12, 16, 45, 30, tzinfo=timezone(timedelta(hours=3)))
    assert check(facts(analysis(MUTISO), forum, received_at=received)) == late("2025-07-12 09:45")


def test_a_sender_s_offset_does_not_move_the_deadline(forum):
    nairobi = timezone(timedelta(hours=3))
    last = datetime(2025, 7, 12, 6, 59, 59, tzinfo=nairobi)  # 23:59:59 in Toronto
    assert check(facts(analysis(MUTISO), forum, received_at=last)) is None
    after = datetime(2025, 7, 12, 7, 0, 0, tzinfo=nairobi)
    assert check(facts(analysis(MUTISO), forum, received_at=after)) == late("2025-07-12 00:00")


def test_well_before_the_deadline_is_on_time(forum):
    received = datetime(2025, 6, 27, 0, 0, tzinfo=TORONTO)
    assert check(facts(analysis(MUTISO), forum, received_at=received)) is None


def test_the_event_s_own_zone_decides(make_event):
    event = make_event(timezone="Pacific/Auckland")  # 23:59:59 NZST is 11:59:59 UTC
    last = datetime(2025, 7, 11, 11, 59, 59, tzinfo=UTC)
    assert check(facts(analysis(MUTISO), event, received_at=last)) is None
    after = datetime(2025, 7, 11, 12, 0, 0, tzinfo=UTC)
    assert check(facts(analysis(MUTISO), event, received_at=after)) == late(
        "2025-07-12 00:00", zone="Pacific/Auckland"
    )


def test_a_winter_deadline_uses_standard_time(make_event):
    event = make_event(
        notification_date=date(2025, 11, 3),
        deadline=datetime(2025, 12, 1, 17, 0, 0),
        starts=date(2025, 12, 8),
        ends=date(2025, 12, 12),
    )
    last = datetime(2025, 12, 1, 22, 0, 0, tzinfo=UTC)  # 17:00 EST (UTC-5)
    assert check(facts(analysis(MUTISO), event, received_at=last)) is None
    after = last + timedelta(seconds=1)
    assert check(facts(analysis(MUTISO), event, received_at=after)) == late(
        "2025-12-01 17:00", deadline="2025-12-01 17:00"
    )


def test_no_event_is_never_late():
    received = datetime(2030, 1, 1, tzinfo=UTC)
    assert check(facts(analysis(MUTISO, event=None), None, received_at=received)) is None
