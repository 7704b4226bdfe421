"""Scans read by OCR: scanned PDFs and page images, each marked with an ``ocr_read``
warning; what is not a page (a logo) is not read; time and pages are bounded."""

import io

from PIL import Image

from bot.config import LimitsConfig
from bot.message.parse import Attachment
from bot.reading import Table, ocr
from bot.reading.attachments import read_attachment
from bot.vocab import Warning, WarningCode
from tests.conftest import DATA

LIMITS = LimitsConfig()
ATTACHMENTS = DATA / "attachments"


def fixture(name: str, content_type: str) -> Attachment:
    return Attachment(name, content_type, (ATTACHMENTS / name).read_bytes())


SCAN_ADDRESSES = ["ana.ruiz@inia.gob.pe", "rquispe@minam.gob.pe", "jsalazar@senasa.gob.pe"]


def test_a_scanned_pdf_is_read_by_ocr_and_marked_so():
    content = read_attachment(fixture("scanned-letter.pdf", "application/pdf"), LIMITS)
    [table] = [line for line in content.lines if isinstance(line, Table)]
    assert table.rows[0] == ["Nombre", "Institucion", "Correo electronico"]
    assert [row[-1] for row in table.rows[1:]] == SCAN_ADDRESSES
    assert content.warnings == [
        Warning(
            WarningCode.OCR_READ,
            "scanned-letter.pdf: read by OCR (page 1; eng+fra+por+spa)",
            "scanned-letter.pdf",
        )
    ]


def test_a_scanned_page_attached_as_an_image_is_read_by_ocr():
    content = read_attachment(fixture("scanned-letter.png", "image/png"), LIMITS)
    [table] = [line for line in content.lines if isinstance(line, Table)]
    assert [row[-1] for row in table.rows[1:]] == SCAN_ADDRESSES
    assert [w.code for w in content.warnings] == [WarningCode.OCR_READ]
    assert content.warnings[0].subject == "scanned-letter.png"


def test_a_scan_in_russian_is_read_with_the_russian_language_data():
    content = read_attachment(fixture("scanned-russian.png", "image/png"), LIMITS)
    assert [line for line in content.lines if "@" in line] == [
        "Иванов Иван Петрович, главный специалист, ivanov@mnr.gov.ru",
        "Смирнова Ольга Андреевна, эксперт, smirnova@vniiprirody.ru",
    ]
    assert [str(w) for w in content.warnings] == [
        "ocr_read: scanned-russian.png: read by OCR (page 1; eng+rus)"
    ]


def test_without_tesseract_a_scan_is_still_a_no_text_layer_warning(monkeypatch):

    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    content = read_attachment(fixture("scanned-letter.pdf", "application/pdf"), LIMITS)
    image = read_attachment(fixture("scanned-letter.png", "image/png"), LIMITS)
    assert content.lines == [] and image.lines == [] and image.warnings == []
    assert [str(w) for w in content.warnings] == [
        "no_text_layer: scanned-letter.pdf: no text could be read (a scan?)"
    ]


def test_ocr_that_runs_out_of_time_stops_with_a_warning(monkeypatch):

    monkeypatch.setattr(ocr, "FILE_BUDGET", 0.5)
    content = read_attachment(fixture("scanned-letter.pdf", "application/pdf"), LIMITS)
    assert content.lines == []
    assert [str(w) for w in content.warnings] == [
        "attachment_truncated: scanned-letter.pdf: OCR stopped after 0 pages (time limit)",
        "no_text_layer: scanned-letter.pdf: no text could be read (a scan?)",
    ]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_images_that_cannot_be_a_page_are_not_read(monkeypatch):
    def no_ocr(*_args, **_kwargs):
        raise AssertionError("an image that is no page went to OCR")

    monkeypatch.setattr(ocr, "read_image", no_ocr)
    small = _png(Image.new("L", (1240, 1754), 255))  # a page's size, but a few bytes
    banner = _png(Image.effect_noise((1800, 300), 64))  # large, but a banner's shape
    assert len(small) < ocr.MIN_IMAGE_BYTES < len(banner)
    for name, data in (("image001.png", small), ("banner.png", banner)):
        content = read_attachment(Attachment(name, "image/png", data), LIMITS)
        assert (content.lines, content.warnings) == ([], [])


def test_a_page_image_without_an_address_gives_nothing():
    blank = _png(Image.effect_noise((1240, 1754), 8).point(lambda v: 255 if v > 40 else 0))
    content = read_attachment(Attachment("photo.png", "image/png", blank), LIMITS)
    assert (content.lines, content.warnings) == ([], [])


def test_a_multipage_tiff_is_read_within_the_page_limit():
    names = ("scanned-russian.png", "scanned-letter.png")
    pages = [Image.open(ATTACHMENTS / name) for name in names]
    buffer = io.BytesIO()
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:])
    fax = Attachment("fax.tif", "image/tiff", buffer.getvalue())
    content = read_attachment(fax, LimitsConfig(max_pdf_pages=1))
    assert [line for line in content.lines if "@" in line] == [
        "Иванов Иван Петрович, главный специалист, ivanov@mnr.gov.ru",
        "Смирнова Ольга Андреевна, эксперт, smirnova@vniiprirody.ru",
    ]
    assert [str(w) for w in content.warnings] == [
        "attachment_truncated: fax.tif: read 1 of 2 pages by OCR",
        "ocr_read: fax.tif: read by OCR (page 1; eng+rus)",
    ]


def test_words_keep_their_columns_and_a_spaced_at_is_closed_up():
    words = [
        # (block, line, left, width, text): a heading, then a table of two columns
        (1, 1, 100, 200, "Participants"),
        (2, 1, 100, 90, "Name"),
        (2, 1, 700, 120, "E-mail"),
        (2, 2, 100, 60, "Ana"),
        (2, 2, 180, 80, "Ruiz"),
        (2, 2, 700, 180, "ana.ruiz@"),
        (2, 2, 900, 180, "inia.gob.pe"),
    ]
    data = {
        "block_num": [w[0] for w in words],
        "par_num": [1] * len(words),
        "line_num": [w[1] for w in words],
        "left": [w[2] for w in words],
        "width": [w[3] for w in words],
        "text": [w[4] for w in words],
    }
    assert ocr.layout_lines(data) == [
        "Participants",
        "",
        "Name".ljust(30) + "E-mail",  # at (700 - 100) / 20, the median letter width
        "Ana Ruiz".ljust(30) + "ana.ruiz@inia.gob.pe",
    ]


def test_pages_are_rendered_at_300_dpi_or_less_and_huge_pages_not_at_all():
    assert ocr.page_dpi(595, 842) == 300  # A4
    assert ocr.page_dpi(2384, 3370) == 160  # A0: no more than MAX_PIXELS
    assert ocr.page_dpi(14400, 14400) == 0  # 200 inches square


def test_page_numbers_are_named_shortly():
    labels = [ocr.pages_label(n) for n in ([2], [1, 2, 3], [1, 3])]
    assert labels == ["page 2", "pages 1-3", "pages 1, 3"]
