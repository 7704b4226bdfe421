"""Tables of people: which row is the header, what each column holds, a row as fields.

A header row is found by per-language column labels in the first three rows; each
following row becomes a mapping from field kind to text, read like a labelled block.
Runs of tab- or pipe-separated lines in a text body (pasted spreadsheets) are turned
into tables first. A table without a recognisable header is read row by row as text by
the line reader.
"""

import re

from bot.reading import Line, Table
from bot.reading.candidates import CONTACT_ADDRESS, Reading
from bot.reading.fields import PERSON_FIELDS, from_fields
from bot.reading.vocabulary import CONTACT, folded, label_kind

_TEXT_CELL_SPLIT = re.compile(r"\t+|\s+\|\s+|\s{3,}")

# The header row's index and the field kind of each of its columns.
Header = tuple[int, dict[int, str]]


def _name_columns(kinds: dict[int, str]) -> dict[int, str]:
    """A plain "Name"/"Nom" column beside a first- or last-name column is the other half."""
    values = set(kinds.values())
    if "first" in values and "last" not in values and "name" in values:
        # "Prénom | Nom": the plain "Nom"/"Name" column is the family name.
        kinds = {c: ("last" if k == "name" else k) for c, k in kinds.items()}
    if "last" in values and "first" not in values:
        kinds = {c: ("first" if k == "name" else k) for c, k in kinds.items()}
    return kinds


def table_header(table: Table) -> Header | None:
    """The header row and the kind of each column, when the table has recognisable headers."""
    found: Header | None = None
    for index, row in enumerate(table.rows[:3]):
        kinds = {col: label_kind(cell) for col, cell in enumerate(row) if cell}
        known = {col: kind for col, kind in kinds.items() if kind}
        is_header = len(known) >= 2 and set(known.values()) & set(PERSON_FIELDS)
        # A header of two rows ("Identité" over "Nom | Prénom"): the fuller row wins.
        if is_header and (found is None or len(known) > len(found[1])):
            found = index, _name_columns(known)
    return found


def _row_fields(row: list[str], kinds: dict[int, str]) -> dict[str, str]:
    """A row as fields; cells of the same kind are joined, a stray address is the e-mail."""
    fields: dict[str, str] = {}
    for col, cell in enumerate(row):
        kind = kinds.get(col)
        if kind and kind != "ignore" and cell:
            fields[kind] = f"{fields[kind]} {cell}" if kind in fields else cell
    if "email" not in fields:
        stray = next((cell for cell in row if "@" in cell), None)
        if stray is not None:
            fields["email"] = stray
    return fields


def read_headed_table(table: Table, header: Header, source: str) -> Reading:
    """Candidates from the rows under the header, one row at a time."""
    reading = Reading()
    index, kinds = header
    for row in table.rows[index + 1 :]:
        text = " | ".join(row)
        for candidate in from_fields(_row_fields(row, kinds), source, text, "table"):
            if CONTACT.search(folded(text)):
                # A note under the list ("Contato: someone@…"), not a person's row.
                candidate.excluded = CONTACT_ADDRESS
            reading.add(candidate)
    return reading


def rows_with_addresses(table: Table) -> list[str]:
    """The rows of a table without a header that may hold an address, as lines of text."""
    return [
        " , ".join(cell for cell in row if cell)
        for row in table.rows
        if any("@" in cell or " at " in cell.lower() for cell in row)
    ]


def text_tables(lines: list[Line]) -> list[Line]:
    """Runs of tab- or pipe-separated text lines become tables (pasted spreadsheets)."""
    result: list[Line] = []
    run: list[list[str]] = []

    def close() -> None:
        if len(run) >= 2:
            result.append(Table([row for row in run]))
        else:
            result.extend(" , ".join(cells) for cells in run)
        run.clear()

    for line in lines:
        cells = _text_cells(line)
        if cells:
            run.append(cells)
            continue
        close()
        result.append(line)
    close()
    return result


def _text_cells(line: Line) -> list[str] | None:
    """The cells of a tab- or pipe-separated text line, or None for any other line."""
    if isinstance(line, str) and ("\t" in line.strip() or " | " in line):
        cells = [c.strip() for c in _TEXT_CELL_SPLIT.split(line.strip())]
        if len(cells) >= 2:
            return cells
    return None
