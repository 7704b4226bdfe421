"""Scanned letters read by OCR: tesseract through pytesseract, PDF pages rendered by
poppler's pdftoppm.

Only when the tesseract program is installed. The first page is read with the Latin
languages (English, French, Spanish, Portuguese), then, unless tesseract is confident of
what it read, with Russian, Arabic and Chinese in turn; the languages read best are kept
for the other pages (tesseract's own script detection takes Cyrillic for Latin). Words
are placed on each line at their position on the page, so a table keeps its columns for
``column_tables``, as a PDF's layout text does. Reading is bounded: at most
``MAX_OCR_PAGES`` pages, each tesseract run within ``PAGE_TIMEOUT`` seconds and the whole
file within ``FILE_BUDGET``, pages rendered at ``DPI`` or less so that no page has more
than ``MAX_PIXELS``. An image is read only when it could be a page (a logo in a
signature is not): ``MIN_IMAGE_BYTES`` or more, a short side of ``MIN_PAGE_SIDE`` pixels
or more, no longer than ``MAX_ASPECT`` times its width.

Ingestion reads most messages in its own thread and OCR's in another
(bot.processing.ocr_lane): under :func:`deferring`, the moment a file would be read by
OCR raises :class:`OcrDeferred` instead, and the message is handed to that lane whole.
"""

import io
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.reading.files import AttachmentText, file_warning
from bot.vocab import WarningCode

DPI = 300
MAX_OCR_PAGES = 10
PAGE_TIMEOUT = 60.0
FILE_BUDGET = 180.0
MAX_PIXELS = 40_000_000
MIN_DPI = 100
MIN_IMAGE_BYTES = 8 * 1024
MIN_PAGE_SIDE = 700
MAX_ASPECT = 2.2
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# The languages read together for each script, tried in this order.
SCRIPT_LANGUAGES = (
    ("eng", "fra", "spa", "por"),
    ("rus", "eng"),
    ("ara", "eng"),
    ("chi_sim", "eng"),
)
GOOD_CONFIDENCE = 85.0  # tesseract's mean word confidence that ends the search
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
# "ana.ruiz@ inia.gob.pe": tesseract often puts a space beside the @.
_SPACED_AT = re.compile(r"(?<=[\w.+-]) ?@ ?(?=[\w-]+\.[\w.-]*\w)")
_COLUMN_GAP = 2.0  # a gap this many character widths wide separates columns


class OcrStopped(Exception):
    """The time budget ran out."""


class OcrDeferred(BaseException):
    """This message needs OCR, which its reader defers (see :func:`deferring`). A
    ``BaseException``: the readers' ``except Exception`` that keep a message alive through
    a corrupt file must not take it for one. ``sender``: the message's sender, once known."""

    def __init__(self, sender: str = "") -> None:
        super().__init__(sender)
        self.sender = sender.lower()


_DEFERRING: ContextVar[Callable[[str], bool] | None] = ContextVar("ocr_deferring", default=None)


@contextmanager
def deferring(sender_waits: Callable[[str], bool]) -> Iterator[None]:
    """Within this block (in this thread), reading that needs OCR raises OcrDeferred, and
    so does :func:`defer_behind` for a sender with a message already deferred
    (``sender_waits``, given the address in lower case): one sender's messages keep
    their order."""
    token = _DEFERRING.set(sender_waits)
    try:
        yield
    finally:
        _DEFERRING.reset(token)


def defer_behind(sender: str) -> None:
    """Raise OcrDeferred when this sender's earlier message is waiting for OCR."""
    waits = _DEFERRING.get()
    if waits is not None and sender and waits(sender.lower()):
        raise OcrDeferred(sender)


def _about_to_read() -> None:
    if _DEFERRING.get() is not None:
        raise OcrDeferred


@dataclass
class OcrText:
    """What OCR read from one file: lines per page (page numbers from 1), the languages."""

    pages: dict[int, list[str]] = field(default_factory=dict)
    languages: set[str] = field(default_factory=set)
    stopped: str = ""  # why reading stopped before the last page, if it did

    @property
    def lines(self) -> list[str]:
        return [line for number in sorted(self.pages) for line in [*self.pages[number], ""]]

    def has_address(self) -> bool:
        return any(_ADDRESS.search(line) for line in self.lines)


@cache
def tesseract_available() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return True


def can_render_pdf() -> bool:
    return tesseract_available() and shutil.which("pdftoppm") is not None


@cache
def _installed_languages() -> frozenset[str]:
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception:
        return frozenset({"eng"})


class _Clock:
    """The file's time budget, handed out to each tesseract or pdftoppm run."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + FILE_BUDGET

    def timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 1:
            raise OcrStopped("time limit")
        return min(PAGE_TIMEOUT, left)


def _installed(languages: tuple[str, ...]) -> str:
    return "+".join(lang for lang in languages if lang in _installed_languages())


def _data(page: Path, languages: str, clock: _Clock) -> dict:
    """tesseract's words with their boxes and confidences, one page image file read as a
    column of lines of different sizes (psm 4), which keeps a table's rows whole. The
    file goes to tesseract as it is: no copy of the page is decoded or encoded here."""
    import pytesseract

    try:
        return pytesseract.image_to_data(
            str(page),
            lang=languages,
            config="--psm 4",
            output_type=pytesseract.Output.DICT,
            timeout=clock.timeout(),
        )
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            raise OcrStopped("time limit") from None
        raise


def _confidence(data: dict) -> float:
    scores = [float(c) for c, t in zip(data["conf"], data["text"], strict=False) if t.strip()]
    scores = [score for score in scores if score >= 0]
    return statistics.mean(scores) if scores else 0.0


def _words(data: dict) -> list[tuple[tuple[int, int, int], int, int, str]]:
    """(line key, left, width, text) of each word tesseract found, in reading order."""
    words = []
    for index, text in enumerate(data["text"]):
        text = text.strip()
        if text:
            key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
            words.append((key, data["left"][index], data["width"][index], text))
    return words


def layout_lines(data: dict) -> list[str]:
    """Lines of words at their page position, a blank line between blocks of text."""
    words = _words(data)
    if not words:
        return []
    char_width = max(1.0, statistics.median(width / len(text) for _, _, width, text in words))
    margin = min(left for _, left, _, _ in words)
    lines: list[str] = []
    current, previous_key, right = "", None, 0
    for key, left, width, text in words:
        if key != previous_key:
            if previous_key is not None:
                lines.append(current)
                if key[0] != previous_key[0]:
                    lines.append("")
            current, previous_key = "", key
        column = round((left - margin) / char_width)
        if current and left - right < _COLUMN_GAP * char_width:
            current += " " + text
        else:
            current = current.ljust(max(column, len(current) + 2 if current else 0)) + text
        right = left + width
    lines.append(current)
    return [_SPACED_AT.sub("@", line.rstrip()) for line in lines]


def read_image(page: Path, clock: _Clock, languages: str = "") -> tuple[list[str], str]:
    """(layout lines, languages) for one page image file. Without ``languages``, each script's
    are tried in turn until one reads the page with good confidence (else the best)."""
    if languages:
        return layout_lines(_data(page, languages, clock)), languages
    best: tuple[float, dict, str] | None = None
    for wanted in SCRIPT_LANGUAGES:
        tried = _installed(wanted)
        if not tried:
            continue
        data = _data(page, tried, clock)
        confidence = _confidence(data)
        if best is None or confidence > best[0]:
            best = (confidence, data, tried)
        if confidence >= GOOD_CONFIDENCE:
            break
    if best is None:
        return [], ""
    return layout_lines(best[1]), best[2]


def plausible_page(size: int, width: int, height: int) -> bool:
    """Whether an image of ``size`` bytes and these pixels could be a scanned page."""
    short, long = sorted((width, height))
    return (
        size >= MIN_IMAGE_BYTES
        and short >= MIN_PAGE_SIDE
        and long <= short * MAX_ASPECT
        and width * height <= MAX_PIXELS
    )


def _read_pages(images, result: OcrText, clock: _Clock) -> None:
    """Read page image files, (number, path) pairs, into ``result`` until time runs out;
    each file is removed once read."""
    languages = ""  # found on the first page, kept for the others
    try:
        for number, page in images:
            lines, languages = read_image(page, clock, languages)
            page.unlink(missing_ok=True)
            result.pages[number] = lines
            result.languages.update(filter(None, languages.split("+")))
    except OcrStopped:
        result.stopped = f"OCR stopped after {len(result.pages)} pages (time limit)"


def _page_limit(total: int, max_pages: int, result: OcrText) -> int:
    """How many of ``total`` pages to read; says so in ``result`` when fewer."""
    count = min(total, max_pages, MAX_OCR_PAGES)
    if count < total:
        result.stopped = f"read {count} of {total} pages by OCR"
    return count


def ocr_image_file(data: bytes, max_pages: int) -> OcrText | None:
    """OCR of an attached image (each frame of a TIFF a page), None when it is no page."""
    from PIL import Image, ImageOps, ImageSequence

    if len(data) < MIN_IMAGE_BYTES:
        return None
    image = Image.open(io.BytesIO(data))
    if not plausible_page(len(data), *image.size):
        return None
    _about_to_read()
    result = OcrText()
    count = _page_limit(getattr(image, "n_frames", 1), max_pages, result)
    with tempfile.TemporaryDirectory(prefix="nombot-ocr-") as folder:

        def frames():
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number > count:
                    return
                width, height = frame.size
                if width * height <= MAX_PIXELS:  # each frame of a TIFF has its own size
                    page = Path(folder) / f"page-{number}.png"
                    ImageOps.exif_transpose(frame).convert("L").save(page, format="PNG")
                    yield number, page

        _read_pages(frames(), result, _Clock())
    return result


def _render(pdf: Path, number: int, dpi: int, clock: _Clock) -> Path | None:
    """One PDF page as a grey PNG file beside the PDF, rendered by pdftoppm."""
    root = pdf.with_name(f"page-{number}")
    command = ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile"]
    command += ["-f", str(number), "-l", str(number), str(pdf), str(root)]
    try:
        subprocess.run(command, capture_output=True, timeout=clock.timeout(), check=True)
    except subprocess.TimeoutExpired:
        raise OcrStopped("time limit") from None
    except subprocess.CalledProcessError:
        return None
    return root.with_suffix(".png")


def page_dpi(width_pt: float, height_pt: float) -> int:
    """DPI, or less so the page stays within MAX_PIXELS; 0 for a page too large to read."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0) / 72 / 72
    dpi = min(DPI, int((MAX_PIXELS / area) ** 0.5))
    return dpi if dpi >= MIN_DPI else 0


def ocr_pdf_pages(data: bytes, pages: list[tuple[int, float, float]]) -> OcrText:
    """OCR of the given PDF pages: (page number from 1, width, height in points)."""
    _about_to_read()
    result = OcrText()
    pages = pages[: _page_limit(len(pages), len(pages), result)]
    clock = _Clock()
    with tempfile.TemporaryDirectory(prefix="nombot-ocr-") as folder:
        pdf = Path(folder) / "document.pdf"
        pdf.write_bytes(data)

        def images():
            for number, width, height in pages:
                dpi = page_dpi(width, height)
                page = _render(pdf, number, dpi, clock) if dpi else None
                if page is not None:
                    yield number, page

        _read_pages(images(), result, clock)
    return result


def kept_pages(text: OcrText, result: AttachmentText) -> dict[int, list[str]]:
    """The OCR'd pages worth keeping, by number: all of them when they hold an address,
    announced by an ``ocr_read`` warning, else none. A stop before the end is a warning
    either way."""
    name = result.filename
    if text.stopped:
        result.warnings.append(file_warning(WarningCode.ATTACHMENT_TRUNCATED, name, text.stopped))
    if not text.has_address():
        return {}
    languages = "+".join(sorted(text.languages))
    why = f"read by OCR ({pages_label(sorted(text.pages))}; {languages})"
    result.warnings.append(file_warning(WarningCode.OCR_READ, name, why))
    return text.pages


def pages_label(numbers: list[int]) -> str:
    """"page 2", "pages 1-3", "pages 1, 3"."""
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pages {numbers[0]}-{numbers[-1]}"
    return "pages " + ", ".join(map(str, numbers))
