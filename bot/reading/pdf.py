"""PDF attachments: the text of each page in layout mode, scanned pages by OCR.

Pages are read up to the page limit. Layout text keeps a table's columns apart for
``column_tables``; a blank line that layout mode puts between two rows of the same
columns (rows drawn with padding) is dropped so the table holds together, and so is the
page break when a table's rows go on at the top of the next page. A letter often ends on
its first page and lists the nominees in an annex: the signature that ends a page (as
the zone reader sees it) is left out, so the annex after it is not taken for more of
the signature.
"""

import io
import logging
import re

from bot.config import LimitsConfig
from bot.reading import Line, ocr
from bot.reading.columns import column_tables
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


def _page_text(page) -> str:
    try:
        # Layout mode keeps the columns of tables apart; column_tables reads them.
        return page.extract_text(extraction_mode="layout") or ""
    except Exception:  # one bad page must not lose the others
        return ""


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
    blank = [number for number, text in enumerate(texts, start=1) if not text.strip()]
    scanned = _scanned(data, reader, blank, result)
    pages = [
        close_row_gaps(scanned.get(number) or text.splitlines())
        for number, text in enumerate(texts, start=1)
    ]
    result.lines = _page_lines(_join_pages(pages))
    if not result.lines:
        result.warnings.append(
            file_warning(WarningCode.NO_TEXT_LAYER, name, "no text could be read (a scan?)")
        )
