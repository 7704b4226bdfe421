"""Tables of people: header row and column kinds, rows as fields, pasted text tables."""

from bot.reading import Table
from bot.reading.candidates import Candidate
from bot.reading.tables import read_headed_table, rows_with_addresses, table_header, text_tables


def test_the_header_may_follow_a_title_row_and_a_plain_nom_is_the_family_name():
    table = Table(
        [
            ["Nominations 2025", ""],
            ["Prénom", "Nom", "Courriel"],
            ["Awa", "DIOP", "awa.diop@env.sn"],
            ["Moussa", "FALL", ""],
        ]
    )
    header = table_header(table)
    assert header == (1, {0: "first", 1: "last", 2: "email"})
    reading = read_headed_table(table, header, "attachment:liste.xlsx")
    assert reading.candidates == [
        Candidate(
            "awa.diop@env.sn",
            name="Awa Diop",
            source="attachment:liste.xlsx",
            listed=True,
            line="Awa | DIOP | awa.diop@env.sn",
            shape="table",
        )
    ]
    assert reading.names_without_address == [
        Candidate(
            None,
            name="Moussa Fall",
            source="attachment:liste.xlsx",
            listed=True,
            line="Moussa | FALL | ",
            shape="table",
        )
    ]


def test_beside_a_family_name_column_a_plain_name_column_holds_given_names():
    assert table_header(Table([["Apellidos", "Nombre", "Correo"]])) == (
        0,
        {0: "last", 1: "first", 2: "email"},
    )


def test_a_header_needs_two_known_columns_one_of_them_a_person_s():
    assert table_header(Table([["Name", "Phone"]])) == (0, {0: "name", 1: "ignore"})
    assert table_header(Table([["Name", "Email"]])) == (0, {0: "name", 1: "email"})
    assert table_header(Table([["Phone", "Country"]])) is None
    assert table_header(Table([["Jane Mwangi", "jane@kephis.go.ke"]])) is None


def test_an_address_outside_the_known_columns_is_still_the_address():
    table = Table([["Name", "Organization"], ["Jane", "KEPHIS", "jane@kephis.go.ke"]])
    reading = read_headed_table(table, table_header(table), "body")
    assert [(c.email, c.name, c.organization) for c in reading.candidates] == [
        ("jane@kephis.go.ke", "Jane", "KEPHIS")
    ]


def test_rows_of_a_table_without_header_are_lines_when_they_may_hold_an_address():
    table = Table([["Jane Mwangi", "", "jane@kephis.go.ke"], ["no", "address"], ["P", "p at x"]])
    assert rows_with_addresses(table) == ["Jane Mwangi , jane@kephis.go.ke", "P , p at x"]


def test_tab_and_pipe_separated_runs_become_tables():
    existing = Table([["a"]])
    lines = ["Intro", "Name\tEmail", "Jane\tjane@x.org", "single | row", "", existing]
    assert text_tables(lines) == [
        "Intro",
        Table([["Name", "Email"], ["Jane", "jane@x.org"], ["single", "row"]]),
        "",
        existing,
    ]
    assert text_tables(["Jane\tjane@x.org", "Thanks"]) == ["Jane , jane@x.org", "Thanks"]


def test_of_a_two_row_header_the_row_naming_more_columns_is_the_header():
    table = Table(
        [
            ["Identité", "", "Fonction", "Courriel"],
            ["Nom", "Prénom(s)", "Fonction", "Courriel"],
            ["KOUASSI", "Aya Mireille", "Chargée d'études", "aya@cnra.ci"],
        ]
    )
    header = table_header(table)
    assert header is not None and header[0] == 1
    [candidate] = read_headed_table(table, header, "html").candidates
    assert (candidate.name, candidate.email) == ("Aya Mireille Kouassi", "aya@cnra.ci")
