"""Attachments to lines: Word paragraphs and tables, PDF text, spreadsheet and CSV rows.

Each reader is bounded by the configured limits (bytes, pages, rows, zip expansion), so a
hostile or enormous file costs a warning, never the process. Attached messages are not
read here: the analysis parses them as mail of their own.
"""

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from bot.config import LimitsConfig
from bot.message.parse import Attachment, decode_text
from bot.reading import Line, Table
from bot.reading.columns import column_tables
from bot.text import squeeze

logging.getLogger("pypdf").setLevel(logging.ERROR)
WORD = {".docx", ".docm", ".dotx"}
SHEET = {".xlsx", ".xlsm"}
PDF = {".pdf"}
OLD_SHEET = {".xls"}
CSV = {".csv", ".tsv"}
TEXT = {".txt", ".text"}
MAX_ZIP_EXPANSION = 20  # uncompressed bytes per compressed byte before a zip is refused
MAX_ZIP_MEMBERS = 2000


@dataclass
class AttachmentText:
    """The readable content of one attachment."""

    filename: str
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Unreadable(Exception):
    """The file could not be read; the message says why, in a few words."""


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
            rows: list[list[str]] = []
            for row in DocxTable(child, document).rows:
                cells, seen = [], []
                for cell in row.cells:
                    if any(cell._tc is s for s in seen):  # merged cells repeat
                        continue
                    seen.append(cell._tc)
                    cells.append(squeeze(cell.text))
                if any(cells):
                    rows.append(cells)
            if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                lines.append(Table(rows))
            else:
                lines.extend(" | ".join(c for c in r if c) for r in rows)
    return lines


def read_pdf(data: bytes, limits: LimitsConfig, warnings: list[str], name: str) -> list[Line]:
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
        warnings.append(
            f"attachment_truncated: {name}: read {limits.max_pdf_pages} of {total} pages"
        )
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
        warnings.append(f"no_text_layer: {name}: no text could be read (a scan?)")
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


def read_attachment(attachment: Attachment, limits: LimitsConfig) -> AttachmentText:
    """Read one attachment into lines, with warnings instead of exceptions."""
    result = AttachmentText(attachment.filename)
    name = attachment.filename
    if attachment.omitted_bytes or len(attachment.data) > limits.max_attachment_bytes:
        size = attachment.omitted_bytes or len(attachment.data)
        result.warnings.append(
            f"attachment_too_large: {name}: {size // 1024} KB, limit "
            f"{limits.max_attachment_bytes // 1024} KB; not read"
        )
        return result
    suffix = _suffix(attachment)
    try:
        if suffix in WORD:
            result.lines = read_docx(attachment.data, limits)
        elif suffix in PDF:
            result.lines = read_pdf(attachment.data, limits, result.warnings, name)
        elif suffix in SHEET:
            result.lines = read_xlsx(attachment.data, limits)
        elif suffix in OLD_SHEET:
            result.lines = read_xls(attachment.data, limits)
        elif suffix in CSV:
            result.lines = read_csv(attachment.data, limits)
        elif suffix in TEXT:
            text, _ = decode_text(attachment.data, None)
            result.lines = [squeeze(t) for t in text.splitlines() if squeeze(t)]
        elif suffix in (".doc", ".rtf", ".odt", ".pages", ".wpd"):
            result.warnings.append(f"unreadable_attachment: {name}: format not supported")
    except Unreadable as exc:
        result.warnings.append(f"unreadable_attachment: {name}: {exc}")
    except Exception as exc:  # a corrupt file in any reader: report it, keep the message
        result.warnings.append(f"unreadable_attachment: {name}: {type(exc).__name__}")
    return result
