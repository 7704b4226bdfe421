"""Attachments to lines: Word paragraphs and tables, PDF text, spreadsheet and CSV rows.

Each reader is bounded by the configured limits (bytes, pages, rows, zip expansion), so a
hostile or enormous file costs a warning, never the process. Attached messages are not
read here: the analysis parses them as mail of their own.
"""

import csv
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from bot.config import LimitsConfig
from bot.message.parse import Attachment, decode_text
from bot.reading import Line, Table
from bot.reading.columns import column_tables
from bot.text import squeeze
from bot.vocab import Warning, WarningCode

logging.getLogger("pypdf").setLevel(logging.ERROR)
WORD = {".docx", ".docm", ".dotx"}
SHEET = {".xlsx", ".xlsm"}
PDF = {".pdf"}
OLD_SHEET = {".xls"}
CSV = {".csv", ".tsv"}
TEXT = {".txt", ".text"}
UNSUPPORTED = {".doc", ".rtf", ".odt", ".pages", ".wpd"}  # reported, not read
MAX_ZIP_EXPANSION = 20  # uncompressed bytes per compressed byte before a zip is refused
MAX_ZIP_MEMBERS = 2000


@dataclass
class AttachmentText:
    """The readable content of one attachment."""

    filename: str
    lines: list[Line] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


class Unreadable(Exception):
    """The file could not be read; the message says why, in a few words."""


def _warning(code: WarningCode, name: str, why: str) -> Warning:
    """A warning about one attachment; its text reads "code: file name: why"."""
    return Warning(code, f"{name}: {why}", name)


def _suffix(attachment: Attachment) -> str:
    suffix = PurePath(attachment.filename.lower()).suffix
    if suffix:
        return suffix
    by_type = {
        "application/pdf": ".pdf",
        "text/csv": ".csv",
        "text/plain": ".txt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
        "application/vnd.ms-excel": ".xls",
    }
    return by_type.get(attachment.content_type, "")


def _check_zip(data: bytes, limits: LimitsConfig) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Unreadable("not a valid Office file") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise Unreadable("too many parts inside")
        expanded = sum(m.file_size for m in members)
        if expanded > max(limits.max_attachment_bytes, len(data) * MAX_ZIP_EXPANSION):
            raise Unreadable("expands too much (possible zip bomb)")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squeeze(str(value))


def _docx_row_cells(row) -> list[str]:
    """The text of each cell of a Word table row; a merged cell counts once."""
    cells, seen = [], []
    for cell in row.cells:
        if any(cell._tc is s for s in seen):  # merged cells repeat
            continue
        seen.append(cell._tc)
        cells.append(squeeze(cell.text))
    return cells


def _docx_table_lines(table) -> list[Line]:
    """A Word table as a table, or as lines of text when it is a single row or column."""
    rows = [cells for cells in map(_docx_row_cells, table.rows) if any(cells)]
    if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
        return [Table(rows)]
    return [" | ".join(c for c in r if c) for r in rows]


def read_docx(data: bytes, limits: LimitsConfig) -> list[Line]:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    _check_zip(data, limits)
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


def read_pdf(data: bytes, limits: LimitsConfig, warnings: list[Warning], name: str) -> list[Line]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted")
        total = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"not a readable PDF ({type(exc).__name__})") from None
    if total > limits.max_pdf_pages:
        pages = f"read {limits.max_pdf_pages} of {total} pages"
        warnings.append(_warning(WarningCode.ATTACHMENT_TRUNCATED, name, pages))
    raw_lines: list[str] = []
    for index in range(min(total, limits.max_pdf_pages)):
        try:
            # Layout mode keeps the columns of tables apart; column_tables reads them.
            text = reader.pages[index].extract_text(extraction_mode="layout") or ""
        except Exception:  # one bad page must not lose the others
            continue
        raw_lines.extend(text.splitlines())
        raw_lines.append("")
    lines = [line for line in column_tables(raw_lines) if line]
    if not lines:
        warnings.append(
            _warning(WarningCode.NO_TEXT_LAYER, name, "no text could be read (a scan?)")
        )
    return lines


def read_xlsx(data: bytes, limits: LimitsConfig) -> list[Line]:
    import openpyxl

    _check_zip(data, limits)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        tables: list[Line] = []
        for sheet in workbook.worksheets:
            rows = []
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= limits.max_sheet_rows:
                    break
                cells = [_cell(v) for v in row]
                if any(cells):
                    rows.append(cells)
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


def read_csv(data: bytes, limits: LimitsConfig) -> list[Line]:
    text, _ = decode_text(data.removeprefix(b"\xef\xbb\xbf"), "utf-8")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for index, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        if index >= limits.max_sheet_rows:
            break
        cells = [squeeze(c) for c in row]
        if any(cells):
            rows.append(cells)
    return [Table(rows)] if rows else []


def _too_large(attachment: Attachment, limits: LimitsConfig) -> Warning | None:
    size = attachment.omitted_bytes or len(attachment.data)
    if not attachment.omitted_bytes and size <= limits.max_attachment_bytes:
        return None
    why = f"{size // 1024} KB, limit {limits.max_attachment_bytes // 1024} KB; not read"
    return _warning(WarningCode.ATTACHMENT_TOO_LARGE, attachment.filename, why)


def _read_text(data: bytes, limits: LimitsConfig) -> list[Line]:
    text, _ = decode_text(data, None)
    return [squeeze(t) for t in text.splitlines() if squeeze(t)]


# The readers of the formats we read, by file suffix; PDF also reports warnings.
_READERS: dict[str, Callable[[bytes, LimitsConfig], list[Line]]] = {
    **dict.fromkeys(WORD, read_docx),
    **dict.fromkeys(SHEET, read_xlsx),
    **dict.fromkeys(OLD_SHEET, read_xls),
    **dict.fromkeys(CSV, read_csv),
    **dict.fromkeys(TEXT, _read_text),
}


def _read_lines(attachment: Attachment, limits: LimitsConfig, result: AttachmentText) -> None:
    suffix = _suffix(attachment)
    if suffix in PDF:
        result.lines = read_pdf(attachment.data, limits, result.warnings, attachment.filename)
    elif suffix in _READERS:
        result.lines = _READERS[suffix](attachment.data, limits)
    elif suffix in UNSUPPORTED:
        unsupported = _warning(
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
    except Unreadable as exc:
        result.warnings.append(
            _warning(WarningCode.UNREADABLE_ATTACHMENT, attachment.filename, str(exc))
        )
    except Exception as exc:  # a corrupt file in any reader: report it, keep the message
        result.warnings.append(
            _warning(WarningCode.UNREADABLE_ATTACHMENT, attachment.filename, type(exc).__name__)
        )
    return result
