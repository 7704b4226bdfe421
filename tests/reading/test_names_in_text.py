"""Where a name stands in free text: list markers, segments, runs of capitalised words."""

import pytest

from bot.reading.candidates import Candidate
from bot.reading.names_in_text import (
    inverted_name,
    is_capitals,
    name_in,
    names_in_sentence,
    segments,
    strip_list_marker,
)


@pytest.mark.parametrize("item", ["1. Jane", "a) Jane", "- Jane", "iv. Jane", "(3) Jane", "Jane"])
def test_list_markers_come_off(item):
    assert strip_list_marker(item) == "Jane"


def test_a_line_is_cut_at_commas_semicolons_bars_and_spaced_dashes():
    assert segments("Dr. Jane Mwangi, Ministry of Environment; KEPHIS | Nairobi - Kenya: x") == [
        "Dr. Jane Mwangi",
        "Ministry of Environment",
        "KEPHIS",
        "Nairobi",
        "Kenya",
        "x",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Kenya nominates Dr. Jane Mwangi of KEPHIS", ("Jane Mwangi", "Dr.")),
        ("the participant will be Peter Otieno", ("Peter Otieno", None)),
        ("Peter Otieno will attend", ("Peter Otieno", None)),
        ("1. Mme Aminata DIALLO", ("Aminata Diallo", "Mme")),
        ("Ministry of Environment", (None, None)),
        ("Contact", (None, None)),
        ("", (None, None)),
    ],
)
def test_the_name_most_plausibly_written(text, found):
    assert name_in(text) == found


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        (["MITCHELL", "Keisha"], ("Keisha Mitchell", None)),
        (["Mitchell", "Keisha"], ("Keisha Mitchell", None)),
        (["Dr. MWANGI", "Jane"], ("Jane Mwangi", "Dr.")),
        (["Van der BERG", "Anna"], ("Anna van der Berg", None)),
        (["MITCHELL", "KEISHA"], None),  # all capitals: which is the family name?
        (["Ministry", "Environment"], None),
        (["a b c", "d"], None),
        (["MITCHELL", "Keisha", "KEPHIS"], None),
    ],
)
def test_family_name_first(parts, name):
    assert inverted_name(parts) == name


def test_capitals_need_two_letters():
    assert (is_capitals("MWANGI"), is_capitals("Mwangi"), is_capitals("A")) == (True, False, False)


def test_honorific_led_names_in_a_sentence_unless_an_address_follows():
    sentence = "We nominate Dr. Jane Mwangi and Mr. Peter Otieno."
    assert names_in_sentence(sentence, "body") == [
        Candidate(None, name="Jane Mwangi", title="Dr.", line=sentence),
        Candidate(None, name="Peter Otieno", title="Mr.", line=sentence),
    ]
    assert names_in_sentence("We nominate Dr. Jane Mwangi (jane@kephis.go.ke).", "html") == []
    assert [c.name for c in names_in_sentence("Sra. María de la Cruz participará", "html")] == [
        "María de la Cruz"
    ]
