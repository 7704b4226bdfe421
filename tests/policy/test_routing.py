"""Which call for nominations a message answers."""

from datetime import UTC, datetime

from bot.policy.events import load_events
from bot.policy.routing import cited_references, route
from tests.conftest import DATA

EVENTS = load_events(DATA / "corpus-rules")
JULY = datetime(2025, 7, 8, 12, 0, tzinfo=UTC)


def test_references_are_found():
    text = "Ref: SCBD/CPU/WM/UN/92214 (notification No. 2025-055); see also 2025-07-11."
    assert cited_references(text) == {"SCBD/CPU/WM/UN/92214", "2025-055"}


def test_reference_beats_keywords_and_a_foreign_reference_is_never_pulled_in():
    assert (
        route(EVENTS, JULY, "Webinar nominees, notification 2025-055").event.slug == "cb-forum-2025"
    )
    assert route(EVENTS, JULY, "risk assessment webinar").event.slug == "ra-webinar-2025"
    foreign = route(EVENTS, JULY, "Online Forum nominees (SCBD/SSSF/AS/ML/92455)")
    assert foreign.event is None and "another notification" in foreign.reason
    tie = route(EVENTS, JULY, "the online forum and the webinar")
    assert tie.event is None and tie.ambiguous


def test_a_nomination_naming_none_of_several_open_calls_is_ambiguous():
    """ "One more participant from us" while two calls are open: a person must choose."""
    unnamed = route(EVENTS, JULY, "Please add one more participant from our ministry.")
    assert unnamed.event is None and unnamed.ambiguous


def test_only_open_events_are_candidates():
    before = datetime(2025, 6, 1, tzinfo=UTC)
    assert route(EVENTS, before, "notification 2025-055").event is None
    one_open = datetime(2025, 8, 1, tzinfo=UTC)  # only the webinar is still open
    assert route(EVENTS, one_open, "nominations").event.slug == "ra-webinar-2025"
