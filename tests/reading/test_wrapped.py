"""Hard-wrapped list items (``bot.reading.wrapped``) and bilingual column headers."""

from bot.reading.vocabulary import label_kind
from bot.reading.wrapped import join_wrapped_items


def test_an_item_wrapped_onto_its_address_is_one_line_again():
    lines = [
        "1. Г-н СМИРНОВ Алексей Петрович, ведущий научный сотрудник, Институт",
        "генетики и цитологии НАН Беларуси, a.smirnov[at]igc.by",
        "2. Mme Awa Diop, awa.diop@anb.sn",
        "",
    ]
    assert join_wrapped_items(lines) == [
        "1. Г-н СМИРНОВ Алексей Петрович, ведущий научный сотрудник, Институт"
        " генетики и цитологии НАН Беларуси, a.smirnov[at]igc.by",
        "2. Mme Awa Diop, awa.diop@anb.sn",
        "",
    ]


def test_items_without_a_wrapped_address_and_labelled_lines_stay_as_written():
    lines = ["1. Dr Jane Mwangi", "Email: jane@kephis.go.ke", "- Peter Otieno", "KEPHIS"]
    assert join_wrapped_items(lines) == lines


def test_a_translated_name_header_is_the_half_it_names():
    assert label_kind("Nom / Surname") == "last"
    assert label_kind("Nombre / First name") == "first"
    assert label_kind("Name / Surname") is None  # one language: a whole name in one column
