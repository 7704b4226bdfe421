"""Institutions beside a name: capitalised, an institution word, not a sentence or a job."""

import pytest

from bot.reading.organizations import first_institution, institution


@pytest.mark.parametrize(
    ("segment", "organization"),
    [
        ("Ministry of Environment", "Ministry of Environment"),
        ("(Université de Dakar)", "Université de Dakar"),
        ("of Kenya Plant Health Inspectorate Service", "Kenya Plant Health Inspectorate Service"),
        ("de la Dirección de Biodiversidad", "Dirección de Biodiversidad"),
        ("of the Ministry of Environment", None),  # lower case once "of" is gone
        ("Head of Laboratory Section", None),  # a position
        ("We nominate the Ministry", None),  # a sentence
        ("ministry of environment", None),
        ("KEPHIS", None),  # no institution word
        ("x@y.org Ministry", None),
        ("", None),
    ],
)
def test_what_reads_as_an_institution(segment, organization):
    assert institution(segment) == organization


def test_first_institution_skips_names_and_positions():
    segments = ["Jane", "Head of Unit", "Kenya Plant Health Inspectorate Service", "Ministry"]
    assert first_institution(segments) == "Kenya Plant Health Inspectorate Service"
    assert first_institution(["Jane", "Nairobi"]) is None
