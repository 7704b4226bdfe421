"""Extraction: from the text, HTML, attachments and headers of a message to the people
it nominates. Pure functions over data — no database, no network."""

from dataclasses import dataclass, field


@dataclass
class Table:
    """Rows of cells as read from an HTML table, a Word table or a spreadsheet."""

    rows: list[list[str]] = field(default_factory=list)


# A document is a list of lines; a line is text or a whole table, kept in reading order.
Line = str | Table
