"""HTML bodies to lines: paragraphs and list items as lines, data tables as tables.

Layout tables (Outlook wraps whole messages in them) are read through; a table with at
least two rows and two columns and no table inside is a data table. ``mailto:`` links
whose text is not the address are written ``Text <address>`` so the line reader sees
both; ``<blockquote>`` content is marked as quoted with ``> ``.
"""

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from bot.reading import Line, Table
from bot.text import squeeze

# Merged cells count at most this many rows or columns (hostile HTML cannot blow a table up).
MAX_SPAN = 50
_SKIP = {"script", "style", "head", "title", "meta", "noscript", "template", "svg", "object"}
_BLOCK = {
    "p",
    "div",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "center",
    "pre",
    "dl",
    "dt",
    "dd",
    "address",
    "hr",
    "form",
    "fieldset",
    "main",
    "nav",
    "aside",
    "figure",
    "caption",
    "tbody",
    "thead",
    "tfoot",
}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@dataclass
class HtmlText:
    """The readable content of an HTML body."""

    lines: list[Line] = field(default_factory=list)
    has_data_table: bool = False
    has_table: bool = False
    has_named_mailto: bool = False

    @property
    def is_richer_than_text(self) -> bool:
        """Whether the HTML holds structure a text/plain alternative may have lost: any
        table (cells run together in plain text) or a named mailto link."""
        return self.has_table or self.has_named_mailto


class _Writer:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.quote = 0

    def text(self, value: str | None) -> None:
        if value:
            self.buffer.append(value)

    def newline(self) -> None:
        line = squeeze("".join(self.buffer))
        self.buffer = []
        if line:
            self.lines.append(("> " * self.quote) + line)

    def table(self, table: Table) -> None:
        self.newline()
        if self.quote:
            # Quoted tables are history: keep them as quoted text, not as a table.
            for row in table.rows:
                self.lines.append(("> " * self.quote) + " | ".join(c for c in row if c))
        else:
            self.lines.append(table)


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _mailto(element) -> str | None:
    href = (element.get("href") or "").strip()
    if href.lower().startswith("mailto:"):
        return href[7:].split("?", 1)[0].strip()
    return None


def _rows(table) -> list:
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _cells(row) -> list:
    return [cell for cell in row if _tag(cell) in ("td", "th")]


def _span(cell, attribute: str) -> int:
    """A cell's rowspan or colspan, 1 when absent or unreadable (capped: hostile HTML)."""
    try:
        return max(1, min(int(cell.get(attribute, "1")), MAX_SPAN))
    except ValueError:
        return 1


def _still_covering(carried: dict, column: int, left: int) -> dict:
    """The merged cells still covering rows after one more row was read at ``column``."""
    rest = {k: v for k, v in carried.items() if k != column}
    if left > 1:
        rest[column] = (carried[column][0], left - 1)
    return rest


def _is_data_table(table) -> bool:
    rows = _rows(table)
    if len(rows) < 2 or max((len(_cells(r)) for r in rows), default=0) < 2:
        return False
    return not any(_tag(e) == "table" for e in table.iterdescendants())


class _Reader:
    def __init__(self) -> None:
        self.result = HtmlText()

    def cell_text(self, cell) -> str:
        writer = _Writer()
        self.walk_text(cell, writer, in_cell=True)
        writer.newline()
        return squeeze(" ".join(line for line in writer.lines if isinstance(line, str)))

    def walk(self, element, writer: _Writer, in_cell: bool = False) -> None:
        for child in element:
            tag = _tag(child)
            if not tag or tag in _SKIP:
                if not tag:  # comments and processing instructions: keep their tail
                    writer.text(child.tail)
                continue
            self.element(child, tag, writer, in_cell)
            writer.text(child.tail)

    def element(self, child, tag: str, writer: _Writer, in_cell: bool) -> None:
        """Write one element: its lines, its table, its quote or its link."""
        if tag == "br":
            writer.newline()
        elif tag == "table":
            self.table(child, writer, in_cell)
        elif tag == "blockquote":
            self.blockquote(child, writer, in_cell)
        elif tag == "a" and _mailto(child) is not None:
            self.mailto_link(child, writer)
        elif tag == "li":
            writer.newline()
            writer.text("- ")
            self.walk_text(child, writer, in_cell)
            writer.newline()
        elif tag in _BLOCK or tag in ("tr", "td", "th"):
            self.block(child, writer, in_cell)
        else:
            self.walk_text(child, writer, in_cell)

    def block(self, element, writer: _Writer, in_cell: bool) -> None:
        """An element on lines of its own."""
        writer.newline()
        self.walk_text(element, writer, in_cell)
        writer.newline()

    def blockquote(self, element, writer: _Writer, in_cell: bool) -> None:
        """Quoted content: its lines are marked with '> '."""
        writer.newline()
        writer.quote += 1
        self.walk_text(element, writer, in_cell)
        writer.newline()
        writer.quote -= 1

    def table(self, table, writer: _Writer, in_cell: bool) -> None:
        """A data table as a table; a layout table (or one inside a cell) read through."""
        self.result.has_table = True
        if not in_cell and _is_data_table(table):
            self.result.has_data_table = True
            rows = self.grid(table)
            writer.table(Table([r for r in rows if any(r)]))
            return
        writer.newline()
        for row in _rows(table):
            for cell in _cells(row):
                self.walk_text(cell, writer, in_cell)
                writer.newline()

    def grid(self, table) -> list[list[str]]:
        """The table's rows as text cells in their columns: a cell merged down (rowspan)
        is read in each row it covers ("the same institution for both people"); one merged
        across (colspan) fills its columns with empty cells after its text."""
        rows: list[list[str]] = []
        carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
        for row in _rows(table):
            cells = iter(_cells(row))
            line: list[str] = []
            while True:
                column = len(line)
                if column in carried:
                    text, left = carried[column]
                    line.append(text)
                    carried = _still_covering(carried, column, left)
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                text = self.cell_text(cell)
                span_down, span_across = _span(cell, "rowspan"), _span(cell, "colspan")
                if span_down > 1:
                    carried[column] = (text, span_down - 1)
                line.extend([text] + [""] * (span_across - 1))
            rows.append(line)
        return rows

    def mailto_link(self, link, writer: _Writer) -> None:
        """``Text <address>`` when the link's text is not the address itself."""
        address = _mailto(link) or ""
        label = squeeze(link.text_content())
        if label and address and address.lower() not in label.lower():
            self.result.has_named_mailto = True
            writer.text(f"{label} <{address}>")
        else:
            writer.text(label or address)

    def walk_text(self, element, writer: _Writer, in_cell: bool) -> None:
        writer.text(element.text)
        self.walk(element, writer, in_cell)


def html_to_lines(html: str) -> HtmlText:
    """Read an HTML body; malformed HTML degrades to its visible text, never an error."""
    reader = _Reader()
    if not html or not html.strip():
        return reader.result
    try:
        document = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html))
    except (etree.ParserError, ValueError):
        text = re.sub(r"<[^>]+>", " ", html)
        reader.result.lines = [squeeze(t) for t in text.splitlines() if squeeze(t)]
        return reader.result
    body = document.find("body")
    root = body if body is not None else document
    writer = _Writer()
    writer.text(root.text)
    reader.walk(root, writer)
    writer.newline()
    reader.result.lines = writer.lines
    return reader.result
