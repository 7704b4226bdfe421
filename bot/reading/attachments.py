"""Attachments to lines: Word, OpenDocument, RTF and PDF text, spreadsheet and CSV rows,
Outlook messages, and scans read by OCR.

Each reader is bounded by the configured limits (bytes, pages, rows, zip expansion), so a
hostile or enormous file costs a warning, never the process. Attached mail
(message/rfc822) is not read here: the analysis parses it as mail of its own; an Outlook
.msg file is, as the lines of a forwarded message (``outlook``). A scanned PDF page or an
image that could be a page is read by OCR when tesseract is installed (``ocr``); every
file read so gets an ``ocr_read`` warning naming it, so the participants found in it can
be told apart. OCR text is kept only when it holds an address: without one it gives no
participant a record could be made for, only names that may be misread.
"""

import io
from collections.abc import Callable
from pathlib import PurePath

from bot.config import LimitsConfig
from bot.message.parse import Attachment
from bot.reading import Line, Table, ocr
from bot.reading.columns import column_tables
from bot.reading.delimited import read_csv
from bot.reading.encodings import decode_unknown
from bot.reading.files import AttachmentText, TooLarge, Unreadable, check_zip, file_warning
from bot.reading.opendocument import MAX_COLUMNS, read_opendocument
from bot.reading.outlook import MSG_TYPE, read_msg
from bot.reading.pdf import read_pdf
from bot.reading.rtf import read_rtf
from bot.text import squeeze
from bot.vocab import Warning, WarningCode

__all__ = ["AttachmentText", "Unreadable", "read_attachment", "read_csv"]

WORD = {".docx", ".docm", ".dotx"}
SHEET = {".xlsx", ".xlsm"}
PDF = {".pdf"}
OLD_SHEET = {".xls"}
CSV = {".csv", ".tsv"}
TEXT = {".txt", ".text"}
OPENDOCUMENT = {".odt", ".ods", ".ott", ".ots"}
RTF = {".rtf"}
OUTLOOK = {".msg"}
UNSUPPORTED = {".doc", ".pages", ".wpd"}  # reported, not read
_BY_TYPE = {
    "application/pdf": ".pdf",
    "text/csv": ".csv",
    "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    MSG_TYPE: ".msg",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/tiff": ".tif",
}


def _suffix(attachment: Attachment) -> str:
    suffix = PurePath(attachment.filename.lower()).suffix
    if suffix:
        return suffix
    return _BY_TYPE.get(attachment.content_type, "")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squeeze(str(value))


def _docx_row_cells(row) -> list[str]:
    """The text of each grid column of a Word table row. A merged cell's text is in its
    first column and the columns it spans are empty, so no cell repeats or shifts; the
    rows a vertically merged cell continues into are empty there too."""
    from docx.table import _Cell

    tr = row._tr
    cells = [""] * tr.grid_before
    for tc in tr.tc_lst:
        continued = tc.vMerge == "continue"
        cells.append("" if continued else squeeze(_Cell(tc, row.table).text))
        cells.extend([""] * (max(tc.grid_span, 1) - 1))
    return cells


def _docx_table_lines(table) -> list[Line]:
    """A Word table as a table, or as lines of text when it is a single row or column."""
    rows = [cells for cells in map(_docx_row_cells, table.rows) if any(cells)]
    filled = {column for row in rows for column, cell in enumerate(row) if cell}
    if len(rows) >= 2 and len(filled) >= 2:
        return [Table(rows)]
    return [" | ".join(c for c in r if c) for r in rows]


def read_docx(data: bytes, limits: LimitsConfig) -> list[Line]:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    check_zip(data, limits).close()
    document = docx.Document(io.BytesIO(data))
    lines: list[Line] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = squeeze(Paragraph(child, document).text)
            if text:
                lines.append(text)
        elif tag == "tbl":
            lines.extend(_docx_table_lines(DocxTable(child, document)))
    return lines


def read_image(data: bytes, limits: LimitsConfig, result: AttachmentText) -> None:
    """An image that could be a scanned page, read by OCR; other images give nothing."""
    if not ocr.tesseract_available():
        return
    text = ocr.ocr_image_file(data, limits.max_pdf_pages)
    if text is None:
        return
    pages = ocr.kept_pages(text, result)
    raw = [line for number in sorted(pages) for line in [*pages[number], ""]]
    result.lines = [line for line in column_tables(raw) if line]


def _sheet_rows(sheet, limits: LimitsConfig) -> list[list[str]]:
    """The non-empty rows of a sheet among its first ``max_sheet_rows``, at most
    ``MAX_COLUMNS`` wide: a sheet declaring 16,384 columns is not padded out to them."""
    declared = sheet.max_column
    width = min(declared, MAX_COLUMNS) if declared else MAX_COLUMNS
    rows = []
    for index, row in enumerate(sheet.iter_rows(max_col=width, values_only=True)):
        if index >= limits.max_sheet_rows:
            break
        cells = [_cell(v) for v in row]
        while not declared and cells and not cells[-1]:
            cells.pop()  # without a declared size, a row is as long as its cells
        if any(cells):
            rows.append(cells)
    return rows


def read_xlsx(data: bytes, limits: LimitsConfig) -> list[Line]:
    import openpyxl

    check_zip(data, limits).close()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        tables: list[Line] = []
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet, limits)
            if rows:
                tables.append(Table(rows))
        return tables
    finally:
        workbook.close()


def read_xls(data: bytes, limits: LimitsConfig) -> list[Line]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        raise Unreadable(str(exc)) from None
    tables: list[Line] = []
    for sheet in book.sheets():
        rows = []
        for index in range(min(sheet.nrows, limits.max_sheet_rows)):
            cells = [_cell(v) for v in sheet.row_values(index)]
            if any(cells):
                rows.append(cells)
        if rows:
            tables.append(Table(rows))
    return tables


def _too_large(attachment: Attachment, limits: LimitsConfig) -> Warning | None:
    size = attachment.omitted_bytes or len(attachment.data)
    if not attachment.omitted_bytes and size <= limits.max_attachment_bytes:
        return None
    why = f"{size // 1024} KB, limit {limits.max_attachment_bytes // 1024} KB; not read"
    return file_warning(WarningCode.ATTACHMENT_TOO_LARGE, attachment.filename, why)


def _read_text(data: bytes, limits: LimitsConfig) -> list[Line]:
    text, _ = decode_unknown(data)
    return [squeeze(t) for t in text.splitlines() if squeeze(t)]


def _read_outlook(data: bytes, limits: LimitsConfig, result: AttachmentText) -> None:
    def read_inner(inner: Attachment) -> AttachmentText:
        content = read_attachment(inner, limits)
        content.warnings = [
            Warning(w.code, f"{result.filename}: {w.detail}", result.filename)
            for w in content.warnings
        ]
        return content

    read_msg(data, limits, result, read_inner)


# The readers of the formats we read, by file suffix: those that give lines, and those
# that fill in the result themselves (with warnings of their own).
_READERS: dict[str, Callable[[bytes, LimitsConfig], list[Line]]] = {
    **dict.fromkeys(WORD, read_docx),
    **dict.fromkeys(SHEET, read_xlsx),
    **dict.fromkeys(OLD_SHEET, read_xls),
    **dict.fromkeys(CSV, read_csv),
    **dict.fromkeys(TEXT, _read_text),
    **dict.fromkeys(OPENDOCUMENT, read_opendocument),
    **dict.fromkeys(RTF, read_rtf),
}
_REPORTING_READERS: dict[str, Callable[[bytes, LimitsConfig, AttachmentText], None]] = {
    **dict.fromkeys(PDF, read_pdf),
    **dict.fromkeys(OUTLOOK, _read_outlook),
    **dict.fromkeys(ocr.IMAGE_SUFFIXES, read_image),
}


def _read_lines(attachment: Attachment, limits: LimitsConfig, result: AttachmentText) -> None:
    suffix = _suffix(attachment)
    if suffix in _REPORTING_READERS:
        _REPORTING_READERS[suffix](attachment.data, limits, result)
    elif suffix in _READERS:
        result.lines = _READERS[suffix](attachment.data, limits)
    elif suffix in UNSUPPORTED:
        unsupported = file_warning(
            WarningCode.UNREADABLE_ATTACHMENT, attachment.filename, "format not supported"
        )
        result.warnings.append(unsupported)


def read_attachment(attachment: Attachment, limits: LimitsConfig) -> AttachmentText:
    """Read one attachment into lines, with warnings instead of exceptions."""
    result = AttachmentText(attachment.filename)
    too_large = _too_large(attachment, limits)
    if too_large is not None:
        result.warnings.append(too_large)
        return result
    try:
        _read_lines(attachment, limits, result)
    except TooLarge as exc:
        result.lines = []
        result.warnings.append(
            file_warning(WarningCode.ATTACHMENT_TOO_LARGE, attachment.filename, str(exc))
        )
    except Unreadable as exc:
        result.lines = []
        result.warnings.append(
            file_warning(WarningCode.UNREADABLE_ATTACHMENT, attachment.filename, str(exc))
        )
    except Exception as exc:  # a corrupt file in any reader: report it, keep the message
        result.lines = []
        result.warnings.append(
            file_warning(
                WarningCode.UNREADABLE_ATTACHMENT, attachment.filename, type(exc).__name__
            )
        )
    return result
