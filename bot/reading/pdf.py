"""PDF attachments: the text of each page in layout mode, scanned pages by OCR.

Pages are read up to the page limit. Layout text keeps a table's columns apart for
``column_tables``; a blank line that layout mode puts between two rows of the same
columns (rows drawn with padding) is dropped so the table holds together, and so is the
page break when a table's rows go on at the top of the next page. A letter often ends on
its first page and lists the nominees in an annex: the signature that ends a page (as
the zone reader sees it) is left out, so the annex after it is not taken for more of
the signature.

Where a table's rows are drawn (the horizontal rules between rows, crossed by at least
three column rules), the text alone cannot tell which row a wrapped line belongs to: a
cell centred in a row of three lines starts above the row's single-line cells, and
layout mode merges baselines less than a font height apart into one line. So those
pages are laid out here from pypdf's text runs with each drawn row kept to its own
lines, and each line marked as a ``RuledLine`` that starts its row or wraps the one
above; any failure falls back to pypdf's own layout text.
"""

import io
import logging
import re
from itertools import groupby
from math import ceil
from typing import Any

from bot.config import LimitsConfig
from bot.reading import Line, ocr
from bot.reading.addresses import ADDRESS
from bot.reading.columns import RuledLine, column_tables
from bot.reading.files import AttachmentText, Unreadable, file_warning
from bot.reading.zones import split_zones
from bot.vocab import WarningCode

logging.getLogger("pypdf").setLevel(logging.ERROR)
_MAX_ROW_GAP = 2  # blank lines layout mode may put between two rows of a table
_CHUNK = re.compile(r"\S+(?: \S+)*")  # words separated by single spaces


def _reader(data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted")
        return reader, len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"not a readable PDF ({type(exc).__name__})") from None


def _page_text(page) -> list[str]:
    """The page's layout lines: pypdf's, or laid out here when the page draws a table."""
    try:
        ruled = _ruled_lines(page)
    except Exception:  # an odd content stream: pypdf's layout text is still worth having
        ruled = None
    if ruled is not None:
        lines = ruled
    else:
        try:
            # Layout mode keeps the columns of tables apart; column_tables reads them.
            lines = (page.extract_text(extraction_mode="layout") or "").splitlines()
        except Exception:  # one bad page must not lose the others
            return []
    if any("@" in line for line in lines):
        return _unglue_addresses(lines, page)
    return lines


def _unglue_addresses(lines: list[str], page) -> list[str]:
    """A cell that overflows its column runs into the next cell's address in the laid-out
    line ("Ministério da Terra e Ambientelurdes.matsinhe@…"); pypdf's plain text keeps the
    two runs apart, so an address that is only the end of a laid-out word is cut off."""
    try:
        plain = set(ADDRESS.findall(page.extract_text() or ""))
    except Exception:
        return lines

    def cut(match: re.Match[str]) -> str:
        glued = match.group(1)
        for address in plain:
            if glued != address and glued.endswith(address):
                return f"{glued[: -len(address)]}  {address}"
        return glued

    def mended(line: str) -> str:
        text = ADDRESS.sub(cut, line) if "@" in line else line
        if text == line:
            return line  # a RuledLine stays one
        return RuledLine(text, line.starts_row) if isinstance(line, RuledLine) else text

    return [mended(line) for line in lines]


# A table whose rows are drawn: the rules a content stream paints, and the rows they bound.
_TOLERANCE = 1.5  # points: rules closer than this are one; a rule's end this close meets another
_COLUMN_RULES = 3  # distinct vertical rules that must cross a band for it to be a table row
_PAINT = frozenset({b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
_CLOSE = frozenset({b"s", b"b", b"b*"})
_PATH = _PAINT | {b"q", b"Q", b"cm", b"re", b"m", b"l", b"c", b"v", b"y", b"h", b"n"}
_RULE_OPERATOR = re.compile(rb"\s(?:re|l)(?:\s|$)")  # an operator follows its operands
_NEWLINE_LIMIT = 1_000  # as pypdf's layout mode: blank lines put for one vertical gap,
_SPACE_LIMIT = 10_000  # and spaces put before one run of text
_CONTROLS = str.maketrans(dict.fromkeys(range(14, 32), " "))
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
Rule = tuple[float, float, float]  # where it lies across, where it starts and ends along
Band = tuple[float, float]  # top and bottom of a table row, in page space


def _multiply(first: Matrix, then: Matrix) -> Matrix:
    a, b, c, d, e, f = first
    p, q, r, s, t, u = then
    linear = (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s)
    return (*linear, e * p + f * r + t, e * q + f * s + u)


class _Rules:
    """The horizontal and vertical lines a content stream paints (path edges, rectangles
    and thin filled rectangles alike), in page space."""

    def __init__(self) -> None:
        self.horizontal: list[Rule] = []  # (y, x0, x1)
        self.vertical: list[Rule] = []  # (x, y0, y1)
        self._ctm: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self._saved: list[Matrix] = []
        self._path: list[tuple[Point, Point]] = []
        self._point: Point = (0.0, 0.0)
        self._start: Point = (0.0, 0.0)

    def read(self, operations: list[tuple[list[Any], bytes]]) -> "_Rules":
        for operands, operator in operations:
            if operator not in _PATH:
                continue
            try:
                self._operation(operator, [float(value) for value in operands])
            except (TypeError, ValueError):
                continue  # operands that are not numbers: not a path operation
        return self

    def _at(self, x: float, y: float) -> Point:
        a, b, c, d, e, f = self._ctm
        return a * x + c * y + e, b * x + d * y + f

    def _operation(self, operator: bytes, values: list[float]) -> None:
        if operator == b"q":
            self._saved.append(self._ctm)
        elif operator == b"Q" and self._saved:
            self._ctm = self._saved.pop()
        elif operator == b"cm" and len(values) == 6:
            a, b, c, d, e, f = values
            self._ctm = _multiply((a, b, c, d, e, f), self._ctm)
        elif operator == b"re" and len(values) == 4:
            x, y, width, height = values
            corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
            points = [self._at(*corner) for corner in corners]
            self._path.extend(zip(points, points[1:] + points[:1], strict=True))
            self._point = self._start = points[0]
        elif operator == b"m" and len(values) == 2:
            self._point = self._start = self._at(*values)
        elif operator in (b"l", b"c", b"v", b"y") and len(values) >= 2:
            end = self._at(*values[-2:])
            if operator == b"l":
                self._path.append((self._point, end))
            self._point = end
        elif operator == b"h":
            self._path.append((self._point, self._start))
            self._point = self._start
        elif operator in _PAINT or operator == b"n":
            self._paint(operator)

    def _paint(self, operator: bytes) -> None:
        if operator in _CLOSE:
            self._path.append((self._point, self._start))
        edges = self._path if operator != b"n" else []  # n ends a clipping path unpainted
        for (x0, y0), (x1, y1) in edges:
            if abs(y1 - y0) < _TOLERANCE / 3 and abs(x1 - x0) > _TOLERANCE:
                self.horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) < _TOLERANCE / 3 and abs(y1 - y0) > _TOLERANCE:
                self.vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
        self._path = []


def _distinct(values: list[float]) -> list[float]:
    """The values, highest first, those within the tolerance of the one above left out."""
    kept: list[float] = []
    for value in sorted(values, reverse=True):
        if not kept or kept[-1] - value > _TOLERANCE:
            kept.append(value)
    return kept


def _meets(rule: Rule, crossing: Rule) -> bool:
    """Whether a rule and one across it touch: each lies within the other's span."""
    level, start, end = rule
    at, low, high = crossing
    return (
        start - _TOLERANCE <= at <= end + _TOLERANCE
        and low - _TOLERANCE <= level <= high + _TOLERANCE
    )


def _in_grid(level: float, rules: _Rules) -> bool:
    """Whether a horizontal rule at this level meets two distinct vertical rules."""
    for rule in (rule for rule in rules.horizontal if abs(rule[0] - level) <= _TOLERANCE):
        met = [crossing[0] for crossing in rules.vertical if _meets(rule, crossing)]
        if met and max(met) - min(met) > _TOLERANCE:
            return True
    return False


def _row_bands(rules: _Rules) -> list[Band]:
    """(top, bottom) of each drawn table row, top of the page first.

    A row lies between two successive levels, at least one of them a horizontal rule of
    the grid (one meeting two vertical rules), the other that or where two vertical
    rules end (a table drawn without its outer border), and at least three distinct
    vertical rules cross it from one level to the other."""
    grid = [y for y in _distinct([y for y, _, _ in rules.horizontal]) if _in_grid(y, rules)]
    ends = [end for _, low, high in rules.vertical for end in (low, high)]
    edges = [y for y in _distinct(ends) if sum(abs(end - y) <= _TOLERANCE for end in ends) >= 2]
    levels = _distinct(grid + edges)
    bands: list[Band] = []
    for top, bottom in zip(levels, levels[1:], strict=False):
        if not any(abs(y - top) <= _TOLERANCE or abs(y - bottom) <= _TOLERANCE for y in grid):
            continue  # between two ends of vertical rules only: it may hold several rows
        spans = [(x, low - _TOLERANCE, high + _TOLERANCE) for x, low, high in rules.vertical]
        crossing = [x for x, low, high in spans if low <= bottom < top <= high]
        if len(_distinct(crossing)) >= _COLUMN_RULES:
            bands.append((top, bottom))
    return bands


def _band_of(y: float, bands: list[Band]) -> int | None:
    """Which drawn row a baseline lies in, if any."""
    return next((i for i, (top, bottom) in enumerate(bands) if bottom < y < top), None)


def _line_text(runs: list[dict], char_width: float) -> str:
    """One line of runs at fixed width, as pypdf's layout mode renders it."""
    parts: list[str] = []
    length, last_end = 0, 0.0
    for run in runs:
        offset = int(run["tx"] // char_width) if char_width else length
        if offset > length and ceil(last_end) < int(run["tx"]):
            spaces = min(offset - length, _SPACE_LIMIT)
            parts.append(" " * spaces)
            length += spaces
        text = run["text"].translate(_CONTROLS)
        parts.append(text)
        length += len(text)
        last_end = run["displaced_tx"]
    return "".join(parts).rstrip()


def _laid_out(
    lines: list[tuple[int, list[dict], int | None]], bands: list[Band], width: float
) -> list[str]:
    """The page's lines; those inside a drawn row are RuledLines, with no blank lines
    inside a row or between two rows that share a rule."""
    result: list[str] = []
    started: set[int] = set()
    last_y, last_band = 0, None
    for y, runs, band in lines:
        joined = band is not None and last_band is not None
        joined = joined and (band == last_band or bands[last_band][1] == bands[band][0])
        height = runs[0]["font_height"]
        if result and not joined and height:
            gap = int(abs(y - last_y) / height) - 1
            result.extend([""] * min(gap, _NEWLINE_LIMIT))
        text = _line_text(runs, width)
        if band is not None:
            text = RuledLine(text, starts_row=band not in started and bool(text.strip()))
            if text.strip():
                started.add(band)
        if text.strip() or result:
            result.append(text)
        last_y, last_band = y, band
    return result


def _ruled_lines(page) -> list[str] | None:
    """The page laid out from pypdf's text runs with each drawn table row on its own
    lines, or None when the page draws no table (pypdf's layout text then serves)."""
    from pypdf._text_extraction import _layout_mode
    from pypdf.generic import ArrayObject, ContentStream, StreamObject

    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if not isinstance(contents, ArrayObject | StreamObject):
        return None
    stream = ContentStream(contents, page.pdf, "bytes")
    if not _RULE_OPERATOR.search(stream.get_data()):
        return None  # no rectangle nor line segment: nothing to parse for
    operations = stream.operations
    bands = _row_bands(_Rules().read(operations))
    if not bands:
        return None
    runs = _layout_mode.text_show_operations(iter(operations), page._layout_mode_fonts(), True)
    if not runs or any(run["flip_sort"] != 1 for run in runs):
        return None
    lines = [
        (y, line, band)
        for band, segment in groupby(runs, key=lambda run: _band_of(run["ty"], bands))
        for y, line in _layout_mode.y_coordinate_groups(list(segment)).items()
    ]
    return _laid_out(lines, bands, _layout_mode.fixed_char_width(runs, 1.25))


def _page_size(page) -> tuple[float, float]:
    try:
        box = page.mediabox
        return abs(float(box.width)), abs(float(box.height))
    except Exception:
        return 0.0, 0.0


def _starts(line: str) -> set[int]:
    """Where each run of words separated by two or more spaces starts."""
    return {match.start() for match in _CHUNK.finditer(line)}


def _aligned(upper: str, lower: str) -> bool:
    """Two lines of at least two columns that share two column starts: rows of a table."""
    top, bottom = _starts(upper), _starts(lower)
    if len(top) < 2 or len(bottom) < 2:
        return False
    shared = sum(1 for start in top if {start - 1, start, start + 1} & bottom)
    return shared >= 2


def close_row_gaps(lines: list[str]) -> list[str]:
    """The lines without the blank ones between two rows of the same table."""
    result: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() or not result or not result[-1].strip():
            result.append(line)
            index += 1
            continue
        end = index
        while end < len(lines) and not lines[end].strip():
            end += 1
        gap = end - index
        if not (end < len(lines) and gap <= _MAX_ROW_GAP and _aligned(result[-1], lines[end])):
            result.extend(lines[index:end])
        index = end
    return result


def _trimmed(lines: list[str]) -> list[str]:
    """The lines without blank ones at either end."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


def _join_pages(pages: list[list[str]]) -> list[list[str]]:
    """Pages as runs: a page whose first line is a row of the table ending the page
    before continues that run."""
    runs: list[list[str]] = []
    for page in map(_trimmed, pages):
        if runs and runs[-1] and page and _aligned(runs[-1][-1], page[0]):
            runs[-1] = runs[-1] + page
        else:
            runs.append(page)
    return runs


def _without_signature(lines: list[Line]) -> list[Line]:
    """The lines of a page with the signature that ends it left out."""
    segments = split_zones(lines)
    if segments and segments[-1].zone == "signature":
        return lines[: len(lines) - len(segments[-1].lines)]
    return lines


def _page_lines(runs: list[list[str]]) -> list[Line]:
    readable = [[line for line in column_tables(run) if line] for run in runs]
    filled = [index for index, lines in enumerate(readable) if lines]
    lines: list[Line] = []
    for index, run in enumerate(readable):
        later = any(i > index for i in filled)
        lines.extend(_without_signature(run) if later else run)
    return lines


def _scanned(data: bytes, reader, blank: list[int], result: AttachmentText) -> dict:
    """The OCR'd lines of the pages without text, by page number, when worth keeping."""
    if not blank or not ocr.can_render_pdf():
        return {}
    pages = [(number, *_page_size(reader.pages[number - 1])) for number in blank]
    return ocr.kept_pages(ocr.ocr_pdf_pages(data, pages), result)


def read_pdf(data: bytes, limits: LimitsConfig, result: AttachmentText) -> None:
    """A PDF's text page by page into ``result``; pages without text are read by OCR
    when tesseract is installed."""
    name = result.filename
    reader, total = _reader(data)
    if total > limits.max_pdf_pages:
        pages = f"read {limits.max_pdf_pages} of {total} pages"
        result.warnings.append(file_warning(WarningCode.ATTACHMENT_TRUNCATED, name, pages))
    texts = [_page_text(reader.pages[i]) for i in range(min(total, limits.max_pdf_pages))]
    blank = [number for number, text in enumerate(texts, start=1) if not any(map(str.strip, text))]
    scanned = _scanned(data, reader, blank, result)
    pages = [
        close_row_gaps(scanned.get(number) or text) for number, text in enumerate(texts, start=1)
    ]
    result.lines = _page_lines(_join_pages(pages))
    if not result.lines:
        result.warnings.append(
            file_warning(WarningCode.NO_TEXT_LAYER, name, "no text could be read (a scan?)")
        )
