"""Labelled fields and the candidates a block of them (or a table row) gives."""

from bot.reading.candidates import Candidate
from bot.reading.fields import from_fields, split_fields


def test_several_fields_on_one_line():
    assert split_fields("Name: Jane Mwangi  Email: jane@kephis.go.ke") == [
        ("name", "Jane Mwangi"),
        ("email", "jane@kephis.go.ke"),
    ]
    assert split_fields("Nom : DIOP ; Prénom : Awa") == [("name", "DIOP "), ("first", "Awa")]


def test_known_but_ignored_fields_and_lines_without_a_label():
    assert split_fields("Tel: +254 700") == [("ignore", "+254 700")]
    assert split_fields("Jane Mwangi") == []


def test_nom_beside_prenom_is_the_family_name():
    fields = {"first": "Awa", "name": "DIOP", "email": "awa.diop@env.sn", "title": "Mme"}
    assert from_fields(fields, "body", "Prénom : Awa / Nom : DIOP") == [
        Candidate(
            "awa.diop@env.sn",
            name="Awa Diop",
            title="Mme",
            listed=True,
            shape="block",
            line="Prénom : Awa / Nom : DIOP",
        )
    ]


def test_an_address_written_in_the_name_field_is_found_and_taken_out_of_the_name():
    fields = {"name": "Dr. Jane Mwangi <jane@kephis.go.ke>", "organization": " KEPHIS ,"}
    assert from_fields(fields, "html", "row") == [
        Candidate(
            "jane@kephis.go.ke",
            name="Jane Mwangi",
            title="Dr.",
            organization="KEPHIS",
            source="html",
            listed=True,
            shape="block",
            line="row",
        )
    ]


def test_one_candidate_per_address_in_the_block():
    fields = {"name": "Jane Mwangi", "email": "jane@kephis.go.ke; j.mwangi@gmail.com"}
    found = from_fields(fields, "body", "row")
    assert [(c.email, c.name) for c in found] == [
        ("jane@kephis.go.ke", "Jane Mwangi"),
        ("j.mwangi@gmail.com", "Jane Mwangi"),
    ]


def test_an_obfuscated_address_in_a_field_is_read():
    fields = {"name": "Jane Mwangi", "email": "jane [at] kephis [dot] go [dot] ke"}
    assert [c.email for c in from_fields(fields, "body", "row")] == ["jane@kephis.go.ke"]


def test_a_block_without_address_gives_its_name_or_nothing():
    assert from_fields({"name": "Jane Mwangi"}, "body", "row") == [
        Candidate(None, name="Jane Mwangi", listed=True, line="row", shape="block")
    ]
    assert from_fields({"organization": "KEPHIS"}, "body", "row") == []


def test_a_position_in_the_name_field_is_a_title_not_a_name():
    fields = {"name": "Director", "title": "Director", "email": "d@x.org"}
    assert from_fields(fields, "body", "row") == [
        Candidate("d@x.org", title="Director", listed=True, line="row", shape="block")
    ]


def test_a_family_name_column_keeps_a_word_that_looks_like_a_degree():
    [candidate] = from_fields(
        {"first": "Paul-Henri", "last": "ONDO MBA", "email": "phondomba@uob.ga"}, "html", ""
    )
    assert candidate.name == "Paul-Henri Ondo Mba"
    [candidate] = from_fields(
        {"name_family_first": "RODRÍGUEZ PÉREZ, María Inés", "email": "m@ambiente.gub.uy"},
        "html",
        "",
    )
    assert candidate.name == "María Inés Rodríguez Pérez"
