"""Delimited files: the delimiter that splits the first lines most consistently, or the
one an Excel ``sep=`` line names."""

import pytest

from bot.config import LimitsConfig
from bot.reading import Table
from bot.reading.delimited import read_csv, sniff_delimiter


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("Name,Email\nAna Ruiz,ana@inia.gob.pe\n", ","),
        ('Nom;Courriel\n"Koné, Aïcha";a.kone@csrs.ci\n"Yao, K.";k.yao@gouv.ci\n', ";"),
        ("Name\tOrganisation, unit\tEmail\nAna\tINIA, Lima\tana@inia.gob.pe\n", "\t"),
        ("Name | Email\nAna Ruiz | ana@inia.gob.pe\n", "|"),
        ("Ana Ruiz\nRosa Quispe\n", ","),  # one column: nothing to split
    ],
)
def test_the_delimiter_is_the_one_that_splits_consistently(sample: str, delimiter: str):
    assert sniff_delimiter(sample) == delimiter


def test_an_excel_sep_line_names_the_delimiter_and_is_not_a_row():
    data = b"sep=;\r\nName;Organisation, unit\r\nAna Ruiz;INIA, Lima\r\n"
    assert read_csv(data, LimitsConfig()) == [
        Table([["Name", "Organisation, unit"], ["Ana Ruiz", "INIA, Lima"]])
    ]


def test_blank_rows_are_left_out_and_cells_squeezed():
    data = "Name;Email\n;\n  Ana   Ruiz ;ana@inia.gob.pe\n".encode("cp1252")
    assert read_csv(data, LimitsConfig()) == [
        Table([["Name", "Email"], ["Ana Ruiz", "ana@inia.gob.pe"]])
    ]
