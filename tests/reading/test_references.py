"""Which calls a text speaks of: notification references, numbers and keywords."""

from bot.reading.references import (
    EventTerms,
    cited_references,
    keyword_hits,
    mentions_event,
    normalise_reference,
)
from bot.text import fold_accents

FORUM = EventTerms("forum", ("SCBD/CPU/WM/UN/92214", "2025-055"), ("online forum", "biosécurité"))


def test_references_and_notification_numbers_are_cited_in_canonical_form():
    text = "Re: Notification SCBD / CPU / WM / UN / 92214 and notification No. 2025-055"
    assert cited_references(text) == {"SCBD/CPU/WM/UN/92214", "2025-055"}


def test_a_number_is_cited_only_after_a_word_that_announces_it():
    assert cited_references("n° 2024-101, ref. 2023-007") == {"2024-101", "2023-007"}
    assert cited_references("Call us on 2025-055 today") == set()
    assert cited_references("Notification 2025-055-1") == set()


def test_normalised_references_drop_spaces_and_case():
    assert normalise_reference(" scbd / cpu ") == "SCBD/CPU"
    assert FORUM.normalised_references == {"SCBD/CPU/WM/UN/92214", "2025-055"}


def test_keywords_are_counted_on_accent_folded_text():
    assert keyword_hits(FORUM, fold_accents("Online Forum sur la Biosécurité")) == 2
    assert keyword_hits(FORUM, "online webinar") == 0


def test_an_event_is_mentioned_by_a_reference_or_a_keyword():
    assert mentions_event([FORUM], "Notificación 2025-055")
    assert mentions_event([FORUM], "Forum en ligne sur la Biosécurité")
    assert not mentions_event([FORUM], "Notification 2025-056 about something else")
    assert not mentions_event([], "Notification 2025-055")
