"""Hard-wrapped list items joined back into one line, before the lines are read.

Place in the pipeline: ``bot.reading.participants.read_lines`` runs it over a zone's
lines (after ``text_tables``). A mail client that wraps at 72–80 columns cuts a numbered
or bulleted item such as "1. Г-н СМИРНОВ Алексей Петрович, ведущий научный сотрудник,
Институт генетики …, a.smirnov[at]igc.by" over two or three lines, leaving the name on
one line and its address on another. An item is joined with the lines that follow it
when those lines are not items, labelled fields or blank, and one of them carries the
address the first line lacked — so an item that gives its address on its own line is
left as written, and so is everything that is not a list.
"""

import re

from bot.reading import Line
from bot.reading.addresses import deobfuscate, find_addresses
from bot.reading.fields import split_fields

MAX_CONTINUATION = 3  # lines an item may have been wrapped onto
_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[-•*·▪–])\s+\S")


def _has_address(text: str) -> bool:
    return bool(find_addresses(deobfuscate(text)[0]))


def _continues(line: Line) -> bool:
    """Whether a line can be the wrapped rest of a list item."""
    if not isinstance(line, str) or not line.strip() or _ITEM.match(line):
        return False
    return not split_fields(line.strip())


def _wrapped_item(lines: list[Line], start: int) -> int:
    """How many lines after ``start`` belong to the item opening there (0: none)."""
    first = lines[start]
    if not isinstance(first, str) or not _ITEM.match(first) or _has_address(first):
        return 0
    for count in range(1, MAX_CONTINUATION + 1):
        index = start + count
        if index >= len(lines) or not _continues(lines[index]):
            return 0
        if _has_address(lines[index]):
            return count
    return 0


def join_wrapped_items(lines: list[Line]) -> list[Line]:
    """The lines, with each hard-wrapped list item made one line again."""
    joined: list[Line] = []
    index = 0
    while index < len(lines):
        count = _wrapped_item(lines, index)
        if count:
            parts = [str(line).strip() for line in lines[index : index + count + 1]]
            joined.append(" ".join(parts))
            index += count + 1
        else:
            joined.append(lines[index])
            index += 1
    return joined
