"""Tables written with spaces: header by known column labels, wrapped cells joined back."""

from bot.reading import Table
from bot.reading.columns import column_tables


def test_an_aligned_list_becomes_a_table_and_wrapped_cells_rejoin_their_row():
    lines = [
        "Please register:",
        "Name                 Organization              Email",
        "Dr. Jane Mwangi      Kenya Plant Health        jane.mwangi@kephis.go.ke",
        "                     Inspectorate Service",
        "Peter Otieno         Ministry of Environment   p.otieno@environment.go.ke",
        "",
        "Best   regards",
    ]
    assert column_tables(lines) == [
        "Please register:",
        Table(
            [
                ["Name", "Organization", "Email"],
                [
                    "Dr. Jane Mwangi",
                    "Kenya Plant Health Inspectorate Service",
                    "jane.mwangi@kephis.go.ke",
                ],
                ["Peter Otieno", "Ministry of Environment", "p.otieno@environment.go.ke"],
            ]
        ),
        "",
        "Best regards",
    ]


def test_an_address_on_its_own_line_completes_the_row_that_lacks_one():
    lines = [
        "Name                 Email",
        "Dr. Jane Mwangi      jane.mwangi@kephis.go.ke",
        "Kamau",
        "                     p.kamau@kephis.go.ke",
    ]
    [table] = column_tables(lines)
    assert table.rows == [
        ["Name", "Email"],
        ["Dr. Jane Mwangi", "jane.mwangi@kephis.go.ke"],
        ["Kamau", "p.kamau@kephis.go.ke"],
    ]


def test_without_an_address_column_a_first_cell_starts_a_row():
    lines = [
        "Nom          Prénom        Fonction",
        "MOUKOKO      Régis         Point focal",
        "             Jean",
        "MALONGA      Prisca        Chercheuse",
    ]
    [table] = column_tables(lines)
    assert table.rows == [
        ["Nom", "Prénom", "Fonction"],
        ["MOUKOKO", "Régis Jean", "Point focal"],
        ["MALONGA", "Prisca", "Chercheuse"],
    ]


def test_a_header_without_rows_stays_a_line():
    assert column_tables(["Name      Email", "", "Jane"]) == ["Name | Email", "", "Jane"]


def test_quoted_and_tab_separated_lines_are_left_to_other_readers():
    assert column_tables(["> Name      Email", "> Jane  j@x.org"]) == [
        "> Name Email",
        "> Jane j@x.org",
    ]
    assert column_tables(["Name\tEmail", "Jane\tj@x.org"]) == ["Name\tEmail", "Jane\tj@x.org"]
