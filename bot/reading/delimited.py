"""CSV and tab-separated files as spreadsheet programs in every locale save them.

The encoding is found by ``encodings.decode_unknown``; the delimiter is the one of
``,`` ``;`` tab or ``|`` that splits the first lines into the same number of cells most
consistently (quotes respected), unless an Excel ``sep=`` line names it.
"""

import csv
import io
import re
from collections import Counter

from bot.config import LimitsConfig
from bot.reading import Line, Table
from bot.reading.encodings import decode_unknown
from bot.text import squeeze

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_LINES = 20
_SAMPLE_CHARS = 65_536
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.I)


def _consistency(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of lines with the usual number of cells, that number) for one delimiter."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    counts = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                counts.append(len(row))
            if len(counts) >= SAMPLE_LINES:
                break
    except csv.Error:
        return 0.0, 0
    if not counts:
        return 0.0, 0
    usual, times = Counter(counts).most_common(1)[0]
    if usual < 2:
        return 0.0, usual
    return times / len(counts), usual


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample most consistently; a comma when none does."""
    best, best_key = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        key = _consistency(sample, delimiter)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _sample(text: str) -> str:
    """The first complete lines of the text, enough to sniff from."""
    head = text[:_SAMPLE_CHARS]
    cut = head.rfind("\n")
    return head if cut <= 0 or len(text) <= _SAMPLE_CHARS else head[:cut]


def read_csv(data: bytes, limits: LimitsConfig) -> list[Line]:
    """The rows of a delimited file as one table, up to the row limit."""
    text, _ = decode_unknown(data)
    first, _, rest = text.partition("\n")
    declared = _SEP_LINE.match(first)
    if declared:
        text, delimiter = rest, declared.group(1)
    else:
        delimiter = sniff_delimiter(_sample(text))
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for index, row in enumerate(reader):
        if index >= limits.max_sheet_rows:
            break
        cells = [squeeze(c) for c in row]
        if any(cells):
            rows.append(cells)
    return [Table(rows)] if rows else []
