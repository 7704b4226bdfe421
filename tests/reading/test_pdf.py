"""PDF layout text: the blank lines layout mode puts between the rows of a table are
dropped, a table going on at the top of the next page joins it, and a signature that
ends a page does not take the annex after it."""

from bot.reading.pdf import _join_pages, _page_lines, close_row_gaps


def test_blank_lines_between_rows_of_the_same_columns_are_dropped():
    lines = [
        "Dear Madam,",
        "",
        "Name                 Position          E-mail",
        "",
        "Ms. Selma Amutenya   Biosafety         samutenya@ncrst.na",
        "",
        "",
        "Mr. Johannes Haufiku Scientist         jhaufiku@unam.na",
        "",
        "Yours sincerely,",
    ]
    assert close_row_gaps(lines) == [
        "Dear Madam,",
        "",
        "Name                 Position          E-mail",
        "Ms. Selma Amutenya   Biosafety         samutenya@ncrst.na",
        "Mr. Johannes Haufiku Scientist         jhaufiku@unam.na",
        "",
        "Yours sincerely,",
    ]


def test_a_table_going_on_at_the_top_of_the_next_page_joins_it():
    pages = [
        ["Name                 E-mail", "Ms. Selma Amutenya   samutenya@ncrst.na", ""],
        ["", "Mr. J. Haufiku       jhaufiku@unam.na", "", "Page 2"],
        ["Annex 2"],
    ]
    assert _join_pages(pages) == [
        [
            "Name                 E-mail",
            "Ms. Selma Amutenya   samutenya@ncrst.na",
            "Mr. J. Haufiku       jhaufiku@unam.na",
            "",
            "Page 2",
        ],
        ["Annex 2"],
    ]


def test_the_signature_ending_a_page_is_left_out_but_not_on_the_last_page():
    pages = [
        ["Dear Madam,", "We nominate the people in the annex.", "Yours sincerely,", "Jo Doe"],
        ["Annex", "1. Ana Ruiz, ana@inia.gob.pe"],
        ["Best regards,", "Jo Doe"],
    ]
    assert _page_lines(pages) == [
        "Dear Madam,",
        "We nominate the people in the annex.",
        "Annex",
        "1. Ana Ruiz, ana@inia.gob.pe",
        "Best regards,",  # the zone reader cuts the last one
        "Jo Doe",
    ]
