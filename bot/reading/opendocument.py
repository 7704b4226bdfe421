"""OpenDocument files (.odt, .ods) with odfpy: paragraphs and tables, sheets as tables.

odfpy builds the whole document in memory (about twenty times its XML), so files whose
XML is larger than ``MAX_XML_BYTES`` are refused before loading. Merged table cells are
written once and the cells they cover stay empty, so no row shifts; repeated rows and
cells (how spreadsheets store blank stretches) are expanded only within the row and
column limits. Comments, tracked deletions and notes are not read.
"""

import io
from collections.abc import Iterator

from bot.config import LimitsConfig
from bot.reading import Line, Table
from bot.reading.files import TooLarge, Unreadable, check_zip
from bot.text import squeeze

MAX_XML_BYTES = 8 * 1024 * 1024
MAX_COLUMNS = 256
MAX_SPACES = 64  # a <text:s c="…"> run longer than this is noise
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SKIPPED = {
    (OFFICE_NS, "annotation"),
    (TEXT_NS, "tracked-changes"),
    (TEXT_NS, "note"),
}
_ROW_GROUPS = {"table-header-rows", "table-rows", "table-row-group"}
_BLOCKS = {"section", "list", "list-item", "list-header", "index-body", "illustration-index"}


def _count(element, name: str, limit: int) -> int:
    """A repetition or span attribute (table:number-…), between 1 and ``limit``."""
    try:
        value = int(element.getAttrNS(TABLE_NS, name) or 1)
    except ValueError:
        value = 1
    return max(1, min(value, limit))


def _text(element) -> str:
    """The text of an element: spaces, tabs and line breaks as written, a line break after
    each paragraph, notes left out."""
    parts: list[str] = []
    stack = [element]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
        elif node.nodeType == node.TEXT_NODE:
            parts.append(node.data)
        elif node.nodeType == node.ELEMENT_NODE and node.qname not in _SKIPPED:
            namespace, name = node.qname
            if namespace == TEXT_NS and name in ("line-break", "tab", "s"):
                parts.append(_whitespace(node, name))
                continue
            if namespace == TEXT_NS and name in ("p", "h"):
                stack.append("\n")
            stack.extend(reversed(node.childNodes))
    return "".join(parts)


def _whitespace(node, name: str) -> str:
    if name == "line-break":
        return "\n"
    if name == "tab":
        return "\t"
    try:
        count = int(node.getAttrNS(TEXT_NS, "c") or 1)
    except ValueError:
        count = 1
    return " " * max(1, min(count, MAX_SPACES))


def _children(element, namespace: str, names: set[str]) -> Iterator:
    wanted = {(namespace, name) for name in names}
    for child in element.childNodes:
        if child.nodeType == child.ELEMENT_NODE and child.qname in wanted:
            yield child


def _rows(table) -> Iterator:
    """The table:table-row elements of a table, inside header and row groups too."""
    for child in _children(table, TABLE_NS, {"table-row", *_ROW_GROUPS}):
        if child.qname[1] == "table-row":
            yield child
        else:
            yield from _rows(child)


def _cell_text(cell) -> str:
    text = squeeze(_text(cell))
    if not text:  # a value written without its display text
        text = cell.getAttrNS(OFFICE_NS, "string-value") or cell.getAttrNS(OFFICE_NS, "value")
    return squeeze(text or "")


def _row_cells(row) -> list[str]:
    """The cells of a row; a covered (merged) cell is empty, trailing blanks dropped."""
    cells: list[str] = []
    for cell in _children(row, TABLE_NS, {"table-cell", "covered-table-cell"}):
        text = _cell_text(cell) if cell.qname[1] == "table-cell" else ""
        cells.extend([text] * _count(cell, "number-columns-repeated", MAX_COLUMNS - len(cells)))
        if len(cells) >= MAX_COLUMNS:
            break
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _table_rows(table, max_rows: int) -> list[list[str]]:
    """The non-empty rows of a table among its first ``max_rows`` (repeats counted)."""
    rows: list[list[str]] = []
    seen = 0
    for row in _rows(table):
        if seen >= max_rows:
            break
        repeat = _count(row, "number-rows-repeated", max_rows - seen)
        seen += repeat
        cells = _row_cells(row)
        if any(cells):
            rows.extend([list(cells) for _ in range(repeat)])
    return rows


def _table_lines(table, limits: LimitsConfig) -> list[Line]:
    """A text document's table as a table, or as lines when it is one row or one column."""
    rows = _table_rows(table, limits.max_sheet_rows)
    if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
        return [Table(rows)]
    return [" | ".join(c for c in r if c) for r in rows]


def _paragraph_lines(element) -> list[Line]:
    return [line for line in (squeeze(t) for t in _text(element).split("\n")) if line]


def _text_lines(body, limits: LimitsConfig) -> list[Line]:
    """Paragraphs, headings, lists and tables of a text document, in reading order."""
    lines: list[Line] = []
    stack = list(reversed(body.childNodes))
    while stack:
        node = stack.pop()
        if node.nodeType != node.ELEMENT_NODE or node.qname in _SKIPPED:
            continue
        namespace, name = node.qname
        if namespace == TEXT_NS and name in ("p", "h"):
            lines.extend(_paragraph_lines(node))
        elif namespace == TABLE_NS and name == "table":
            lines.extend(_table_lines(node, limits))
        elif namespace == TEXT_NS and name in _BLOCKS:
            stack.extend(reversed(node.childNodes))
    return lines


def _sheet_tables(body, limits: LimitsConfig) -> list[Line]:
    tables: list[Line] = []
    for sheet in _children(body, TABLE_NS, {"table"}):
        rows = _table_rows(sheet, limits.max_sheet_rows)
        if rows:
            tables.append(Table(rows))
    return tables


def _check_size(data: bytes, limits: LimitsConfig) -> None:
    with check_zip(data, limits) as archive:
        xml = sum(m.file_size for m in archive.infolist() if m.filename.endswith(".xml"))
    if xml > MAX_XML_BYTES:
        limit = MAX_XML_BYTES // 1024
        raise TooLarge(f"{xml // 1024} KB of document content, limit {limit} KB; not read")


def read_opendocument(data: bytes, limits: LimitsConfig) -> list[Line]:
    """A text document's lines, or a spreadsheet's sheets as tables."""
    from odf.opendocument import load

    _check_size(data, limits)
    document = load(io.BytesIO(data))
    spreadsheet = getattr(document, "spreadsheet", None)
    if spreadsheet is not None:
        return _sheet_tables(spreadsheet, limits)
    text = getattr(document, "text", None)
    if text is None:
        raise Unreadable("not an OpenDocument text or spreadsheet")
    return _text_lines(text, limits)
