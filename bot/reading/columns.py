"""Tables written with spaces: a PDF's layout text, or a list aligned by hand in a mail.

A table starts at a header line whose space-separated chunks name at least two known
columns (one of them a name or an address); column boundaries come from where those
headers start. Cells that wrap onto the next lines are joined back to their row: a row
is complete once it has an address, and the next line with an address starts another.

Where the document draws its rows (a PDF's rules), its reader says so: each line of such
a row is a ``RuledLine`` that starts the row or wraps the one above, and that is taken
as said, whatever the cells hold (a wrapped first column, an address on a middle line,
cells centred in the row). The lines of a drawn header row, above or below the line
that names the columns, join the header's cells.
"""

import re

from bot.reading import Line, Table
from bot.reading.vocabulary import label_kind
from bot.text import squeeze

_CHUNK = re.compile(r"\S+(?: \S+)*")
_ADDRESS = re.compile(r"\S+@\S+\.\w+")


class RuledLine(str):
    """A line of a table whose rows are drawn: the first line of a row, or a line of
    wrapped cells of the row above."""

    starts_row: bool

    def __new__(cls, text: str, starts_row: bool = False) -> "RuledLine":
        line = super().__new__(cls, text)
        line.starts_row = starts_row
        return line


def _wraps(line: str) -> bool:
    """Whether the line is drawn inside the row above rather than starting one."""
    return isinstance(line, RuledLine) and not line.starts_row


def _chunks(line: str) -> list[tuple[int, str]]:
    """(start, text) of each run of words separated by two or more spaces."""
    return [(m.start(), m.group(0)) for m in _CHUNK.finditer(line)]


def _header(line: str) -> list[tuple[int, str]] | None:
    if line.lstrip().startswith(">") or "\t" in line:
        return None  # quoted history keeps its lines; tab-separated text is read elsewhere
    chunks = _chunks(line)
    kinds = [label_kind(text) for _, text in chunks]
    known = [k for k in kinds if k]
    if len(chunks) >= 2 and len(known) >= 2 and {"email", "name", "first", "last"} & set(known):
        return chunks
    return None


def _cut(line: str, starts: list[int]) -> list[str]:
    """Split a line at the column starts, moving a cut left when it falls inside a word."""
    cells, previous = [], 0
    for start in starts[1:] + [len(line) + 1]:
        cut = min(start, len(line))
        while 0 < cut < len(line) and line[cut - 1] != " " and line[cut] != " " and cut > previous:
            cut -= 1
        cells.append(line[previous:cut])
        previous = cut
    return [squeeze(cell) for cell in cells]


def _starts_row(
    current: list[str], cells: list[str], has_address: bool, email_column: int | None
) -> bool:
    """Whether a line starts a new row rather than continuing the cells of the current one."""
    current_has_address = any(_ADDRESS.search(c) for c in current)
    return (current_has_address and (has_address or bool(cells[0]))) or (
        email_column is None and bool(cells[0])
    )


def _add_line(
    rows: list[list[str]], line: str, starts: list[int], email_column: int | None
) -> None:
    """A line under the header: a new row, or wrapped cells joined to the current row."""
    cells = _cut(line.rstrip(), starts)
    current = rows[-1] if rows else None
    if isinstance(line, RuledLine):
        new_row = current is None or line.starts_row
    else:
        has_address = bool(_ADDRESS.search(line))
        new_row = current is None or _starts_row(current, cells, has_address, email_column)
    if new_row or current is None:
        rows.append(cells)
    else:
        _join(current, cells)


def _join(cells: list[str], wrapped: list[str]) -> None:
    """Wrapped cells added to the cells above them."""
    for position, cell in enumerate(wrapped):
        if cell:
            cells[position] = f"{cells[position]} {cell}".strip()


def _table_under(
    header: list[tuple[int, str]], lines: list[str], index: int, above: list[str]
) -> tuple[Line, int]:
    """The table whose rows start at ``index`` (up to a blank line), and where it ends;
    ``above`` are the lines of a drawn header row above the header line."""
    starts = [start for start, _ in header]
    names = [""] * len(header)
    for line in above:
        _join(names, _cut(line.rstrip(), starts))
    _join(names, [text for _, text in header])
    # The drawn header row's wrapped labels (a line with an address is a row of people).
    while index < len(lines) and _wraps(lines[index]) and not _ADDRESS.search(lines[index]):
        _join(names, _cut(lines[index].rstrip(), starts))
        index += 1
    email_column = next((i for i, text in enumerate(names) if label_kind(text) == "email"), None)
    rows: list[list[str]] = []
    while index < len(lines) and (lines[index].strip() or _row_after_gap(lines, index)):
        if lines[index].strip():
            _add_line(rows, lines[index], starts, email_column)
        index += 1
    return (Table([names, *rows]) if rows else " | ".join(names)), index


def _row_begins(lines: list[str], index: int) -> int:
    """Where the drawn row of the line at ``index`` begins: a header cell centred in its
    row may start above the line that holds the other labels."""
    begin = index
    while begin > 0 and _wraps(lines[begin]) and isinstance(lines[begin - 1], RuledLine):
        begin -= 1
    starts = isinstance(lines[begin], RuledLine) and lines[begin].starts_row
    return begin if starts else index


def _row_after_gap(lines: list[str], index: int) -> bool:
    """A blank line inside the table: the next line is a row with an address, in columns
    (layout text puts blank lines between rows)."""
    following = lines[index + 1] if index + 1 < len(lines) else ""
    # ... in columns, as a row is: a sentence with an address after the table is not one.
    return bool(_ADDRESS.search(following)) and len(_chunks(following)) >= 2


def column_tables(lines: list[str]) -> list[Line]:
    """The lines, with column-aligned tables turned into Table lines; other lines squeezed."""
    result: list[Line] = []
    kept: dict[int, int] = {}  # where each line kept as text is in the result
    index = 0
    while index < len(lines):
        header = _header(lines[index])
        if header is None:
            kept[index] = len(result)
            result.append(lines[index] if "\t" in lines[index] else squeeze(lines[index]))
            index += 1
            continue
        begin = _row_begins(lines, index)
        if begin < index and all(i in kept for i in range(begin, index)):
            del result[kept[begin] :]  # the header row's lines above the header line
        else:
            begin = index
        table, index = _table_under(header, lines, index + 1, lines[begin:index])
        result.append(table)
    return result
