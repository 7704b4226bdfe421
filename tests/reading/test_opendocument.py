"""OpenDocument within the limits: repeated rows and cells expanded only up to the row
and column limits, long runs of spaces cut, oversized XML refused before loading."""

import io

from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import P, S

from bot.config import LimitsConfig
from bot.message.parse import Attachment
from bot.reading import opendocument
from bot.reading.attachments import read_attachment
from bot.reading.opendocument import MAX_COLUMNS, MAX_SPACES

ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _sheet(repeat_rows: int, repeat_columns: int) -> bytes:
    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Hostile")
    row = TableRow(numberrowsrepeated=repeat_rows)
    cell = TableCell(valuetype="string", numbercolumnsrepeated=repeat_columns)
    cell.addElement(P(text="ana@inia.gob.pe"))
    row.addElement(cell)
    sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    return _saved(document)


def test_a_row_repeated_a_billion_times_gives_no_more_rows_than_the_limit():
    data = _sheet(repeat_rows=10**9, repeat_columns=2)
    [table] = read_attachment(Attachment("x.ods", ODS, data), LimitsConfig(max_sheet_rows=3)).lines
    assert table.rows == [["ana@inia.gob.pe"] * 2] * 3


def test_a_cell_repeated_a_billion_times_gives_no_more_columns_than_the_limit():
    [table] = read_attachment(Attachment("x.ods", ODS, _sheet(1, 10**9)), LimitsConfig()).lines
    assert [len(row) for row in table.rows] == [MAX_COLUMNS]


def test_a_run_of_a_billion_spaces_is_cut():
    document = OpenDocumentText()
    paragraph = P(text="Ana")
    paragraph.addElement(S(c=10**9))
    paragraph.addText("Ruiz")
    document.text.addElement(paragraph)
    text = opendocument._text(document.text)
    assert text == "Ana" + " " * MAX_SPACES + "Ruiz\n"
    lines = read_attachment(Attachment("x.odt", "", _saved(document)), LimitsConfig()).lines
    assert lines == ["Ana Ruiz"]


def test_a_document_whose_xml_is_too_large_to_load_is_refused(monkeypatch):
    monkeypatch.setattr(opendocument, "MAX_XML_BYTES", 1024)
    content = read_attachment(Attachment("x.ods", ODS, _sheet(1, 1)), LimitsConfig())
    assert content.lines == []
    assert [w.code for w in content.warnings] == ["attachment_too_large"]
    assert content.warnings[0].detail.endswith(" KB of document content, limit 1 KB; not read")
