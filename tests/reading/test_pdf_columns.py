"""PDF tables whose cells wrap: each wrapped line goes back to the row it is drawn in.

The PDFs are made with fpdf2 in a Unicode TTF font, as ministries' letters are: a table
with a border round each cell, some cells of a row on one line and others wrapped onto
two or three, centred in the row (fpdf2's default, as in Word), set at its top or at its
bottom. Without the fix, the centred table reads as the Moldovan annex of blind batch B
did: 'Русу Елена Бодруг Мария', 'Министерство окружающей среды Институт генетики,'.
"""

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from bot.config import LimitsConfig
from bot.reading import Table
from bot.reading.columns import RuledLine, column_tables
from bot.reading.files import AttachmentText
from bot.reading.pdf import _page_text, _row_bands, _Rules, read_pdf

_FONT_NAMES = ("DejaVuSans.ttf", "DejaVuSansCondensed.ttf", "NotoSans-Regular.ttf")


def _unicode_font() -> Path | None:
    for name in _FONT_NAMES:
        found = sorted(Path("/usr/share/fonts").rglob(name))
        if found:
            return found[0]
    return None


FONT = _unicode_font()
pytestmark = pytest.mark.skipif(
    FONT is None, reason="no Unicode TTF font (DejaVu Sans, Noto Sans) under /usr/share/fonts"
)

HEADER = ("№", "Ф.И.О.", "Должность", "Организация", "Страна", "E-mail")
ROWS = [
    (
        "1",
        "ЧОБАНУ Ион Георгиевич",
        "главный специалист",
        "Министерство окружающей среды",
        "Республика Молдова",
        "ion.ciobanu@mediu.gov.md",
    ),
    (
        "2",
        "Русу Елена",
        "научный сотрудник",
        "Институт генетики, физиологии и защиты растений",
        "Республика Молдова",
        "elena.rusu@igfpp.md",
    ),
    (
        "3",
        "Бодруг Мария Николаевна",
        "доцент",
        "Государственный аграрный университет Молдовы",
        "Республика Молдова",
        "m.bodrug@uasm.md",
    ),
]
WIDTHS = (8, 34, 26, 46, 26, 50)  # mm: narrow enough for most cells to wrap


def _pdf(
    header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...], v_align: str
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("Unicode", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("Unicode", size=11)
    pdf.multi_cell(0, 7, "Список участников", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Unicode", size=9)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        v_align=v_align,
        text_align="LEFT",
        first_row_as_headings=False,
        line_height=5,
    ) as table:
        for values in (header, *rows):
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(6)
    pdf.multi_cell(0, 7, "С уважением,", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _read(data: bytes) -> AttachmentText:
    result = AttachmentText(filename="annex.pdf")
    read_pdf(data, LimitsConfig(), result)
    return result


def _table(result: AttachmentText) -> Table:
    tables = [line for line in result.lines if isinstance(line, Table)]
    assert len(tables) == 1, result.lines
    return tables[0]


@pytest.mark.parametrize("v_align", ["MIDDLE", "TOP", "BOTTOM"])
def test_wrapped_cells_go_back_to_the_row_they_are_drawn_in(v_align: str):
    data = _pdf(HEADER, ROWS, WIDTHS, v_align)
    assert _table(_read(data)).rows == [list(HEADER), *map(list, ROWS)]


def test_the_cells_do_wrap_and_each_drawn_row_is_marked_where_it_starts():
    page = PdfReader(io.BytesIO(_pdf(HEADER, ROWS, WIDTHS, "MIDDLE"))).pages[0]
    lines = _page_text(page)
    ruled = [line for line in lines if isinstance(line, RuledLine)]
    starts = [line for line in ruled if line.starts_row]
    assert len(starts) == 1 + len(ROWS)  # the header and each row
    assert len(ruled) == 1 + 2 + 3 + 3  # cells wrap: rows of two and three lines
    # Centred cells: the second row's wrapped cells start above its number and address.
    second = ruled.index(starts[2])
    assert "научный" in starts[2] and "elena.rusu@igfpp.md" in ruled[second + 1]
    assert "Список участников" in lines[0] and not isinstance(lines[0], RuledLine)


@pytest.mark.parametrize("v_align", ["MIDDLE", "TOP"])
def test_a_wrapped_first_column_and_a_row_without_address_keep_their_rows(v_align: str):
    header = ("Name", "Organisation", "E-mail")
    rows = [
        ("María Fernanda GONZÁLEZ LÓPEZ", "Instituto Nacional de Biodiversidad", "mfg@inabio.ec"),
        ("Kenji Sato", "Ministry of the Environment", ""),
        ("Jean-Baptiste KOUASSI N'GUESSAN", "Ministère de l'Environnement", "jb.k@env.gouv.ci"),
    ]
    data = _pdf(header, rows, (40, 45, 50), v_align)
    assert _table(_read(data)).rows == [list(header), *map(list, rows)]


def test_a_drawn_header_with_a_wrapped_label_is_one_header():
    header = ("Nom et prénom", "Institution", "Adresse électronique personnelle")
    rows = [("Awa Diop", "Direction de l'Environnement", "a.diop@env.sn")]
    data = _pdf(header, rows, (40, 55, 32), "MIDDLE")  # the last label on three lines
    table = _table(_read(data))
    assert table.rows == [list(header), *map(list, rows)]


def test_lines_of_drawn_rows_are_taken_as_marked_whatever_their_cells_hold():
    lines = [
        RuledLine("Name                 Organization              Email", starts_row=True),
        RuledLine("                     Kenya Plant Health", starts_row=True),
        RuledLine("Dr. Jane Mwangi      Inspectorate Service      jane.mwangi@kephis.go.ke"),
        RuledLine("Wanjiru"),
        RuledLine("Peter Otieno         Ministry of Environment", starts_row=True),
        RuledLine("                                               p.otieno@environment.go.ke"),
        "",
        "Best   regards",
    ]
    assert column_tables(lines) == [
        Table(
            [
                ["Name", "Organization", "Email"],
                [
                    "Dr. Jane Mwangi Wanjiru",
                    "Kenya Plant Health Inspectorate Service",
                    "jane.mwangi@kephis.go.ke",
                ],
                ["Peter Otieno", "Ministry of Environment", "p.otieno@environment.go.ke"],
            ]
        ),
        "",
        "Best regards",
    ]


def _rules(operations: list[tuple[list, bytes]]) -> _Rules:
    return _Rules().read(operations)


def _grid(columns: list[float], rows: list[float]) -> list[tuple[list, bytes]]:
    """A table drawn as Word and LibreOffice do: a line segment for each cell edge."""
    operations: list[tuple[list, bytes]] = []
    for top, bottom in zip(rows, rows[1:], strict=False):
        for x in columns:
            operations += [([x, top], b"m"), ([x, bottom], b"l"), ([], b"S")]
    for y in rows:
        operations += [([columns[0], y], b"m"), ([columns[-1], y], b"l"), ([], b"S")]
    return operations


def test_rows_are_found_from_line_segments_in_a_transformed_space():
    # Drawn in a space scaled by half and moved up by 100: rows 20 high become 10 high.
    operations = [([], b"q"), ([0.5, 0, 0, 0.5, 0, 100], b"cm")]
    operations += _grid([0, 100, 200, 300], [400, 380, 360, 340])
    operations += [([], b"Q"), ([0, 0, 50, 50], b"re"), ([], b"W"), ([], b"n")]  # a clip
    assert _row_bands(_rules(operations)) == [(300.0, 290.0), (290.0, 280.0), (280.0, 270.0)]


def test_rows_drawn_without_an_outer_border_end_where_the_column_rules_end():
    inner = [([x, 400], b"m") for x in (100, 200)]
    operations: list[tuple[list, bytes]] = []
    for start in inner:
        operations += [start, ([start[0][0], 340], b"l"), ([], b"S")]
    operations += [([0, 370, 300, 0.4], b"re"), ([], b"f")]  # a thin filled rectangle
    assert _rules(operations).horizontal[0][1:] == (0.0, 300.0)
    assert _row_bands(_rules(operations)) == []  # only two column rules: not a grid
    third = [([250, 400], b"m"), ([250, 340], b"l"), ([], b"S")]
    assert _row_bands(_rules(operations + third)) == [(400.0, 370.4), (370.4, 340.0)]


def test_a_page_frame_or_a_boxed_paragraph_is_not_a_table_row():
    frame = [([20, 20, 555, 800], b"re"), ([], b"S")]
    letterhead = [([20, 780], b"m"), ([575, 780], b"l"), ([], b"S")]
    assert _row_bands(_rules(frame + letterhead)) == []
