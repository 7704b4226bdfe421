"""Candidates and readings: merging sightings of one person, filing by address."""

from bot.reading.candidates import Candidate, Reading


def test_absorb_fills_only_what_is_missing_and_keeps_listed():
    kept = Candidate("jane@kephis.go.ke", name="Jane Mwangi", source="body")
    kept.absorb(
        Candidate(
            "jane@kephis.go.ke",
            name="J. Mwangi",
            title="Dr.",
            organization="KEPHIS",
            country="Kenya",
            source="attachment:list.xlsx",
            listed=True,
        )
    )
    assert kept == Candidate(
        "jane@kephis.go.ke",
        name="Jane Mwangi",
        title="Dr.",
        organization="KEPHIS",
        country="Kenya",
        source="body",
        listed=True,
    )


def test_absorb_never_unlists():
    kept = Candidate("jane@kephis.go.ke", listed=True)
    kept.absorb(Candidate("jane@kephis.go.ke"))
    assert kept.listed is True


def test_a_reading_files_candidates_by_whether_they_have_an_address():
    reading = Reading()
    with_address, name_only = Candidate("jane@kephis.go.ke"), Candidate(None, name="Ana Ruiz")
    reading.add(with_address)
    reading.add(name_only)
    assert reading.candidates == [with_address]
    assert reading.names_without_address == [name_only]


def test_extending_a_reading_takes_both_lists_and_the_obfuscation_flag():
    reading = Reading(candidates=[Candidate("a@x.org")])
    reading.extend(
        Reading([Candidate("b@x.org")], [Candidate(None, name="Ana Ruiz")], obfuscated=True)
    )
    assert [c.email for c in reading.candidates] == ["a@x.org", "b@x.org"]
    assert [c.name for c in reading.names_without_address] == ["Ana Ruiz"]
    assert reading.obfuscated is True
