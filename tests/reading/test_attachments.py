"""Attachments to lines: each format read, and each problem a typed warning naming the file."""

import io
import zipfile

from fpdf import FPDF

from bot.config import LimitsConfig
from bot.message.parse import Attachment, parse_mail
from bot.reading import Table
from bot.reading.attachments import read_attachment
from bot.vocab import Warning, WarningCode
from tests.conftest import DATA

NOMINATIONS = DATA / "nominations"
LIMITS = LimitsConfig()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_of(name: str) -> Attachment:
    [attachment] = parse_mail((NOMINATIONS / name).read_bytes()).attachments
    return attachment


def test_a_word_letter_keeps_its_paragraphs_and_its_table_in_order():
    content = read_attachment(attachment_of("50-en-docx-table.eml"), LIMITS)
    assert content.filename == "Malawi_nomination_Online_Forum_2025.docx"
    assert content.warnings == []
    assert content.lines[0] == "MINISTRY OF NATURAL RESOURCES AND CLIMATE CHANGE"
    [table] = [line for line in content.lines if isinstance(line, Table)]
    assert content.lines.index(table) == 12
    assert table.rows == [
        ["No.", "Name", "Position", "Institution", "E-mail"],
        [
            "1",
            "Dr. Chikondi Phiri",
            "Principal Environmental Officer",
            "Environmental Affairs Department",
            "chikondi.phiri@nrcc.gov.mw",
        ],
        [
            "2",
            "Mrs. Tiwonge Mhango",
            "Chief Agricultural Research Scientist",
            "Department of Agricultural Research Services",
            "tmhango@dars.gov.mw",
        ],
        [
            "3",
            "Limbani Kaunda",
            "Lecturer",
            "Lilongwe University of Agriculture and Natural Resources",
            "lkaunda@luanar.ac.mw",
        ],
    ]
    assert content.lines[-1] == "E-mail: tchirwa@nrcc.gov.mw"


def test_a_pdf_letter_is_read_as_lines_of_text():
    content = read_attachment(attachment_of("53-en-pdf-letter.eml"), LIMITS)
    assert content.warnings == []
    assert len(content.lines) == 17
    assert content.lines[10:13] == [
        "1. Dr. Farhana Rahman, Department of Environment, farhana.rahman@doe.gov.bd",
        "2. Mr. Rafiqul Islam, Bangladesh Agricultural Research Institute, "
        "rafiqul.islam@bari.gov.bd",
        "3. Ms. Nusrat Jahan, Bangladesh Council of Scientific and Industrial Research, "
        "nusrat.jahan@bcsir.gov.bd",
    ]


def test_a_spreadsheet_is_one_table_per_sheet():
    content = read_attachment(attachment_of("57-fr-xlsx.eml"), LIMITS)
    [table] = content.lines
    assert table.rows[0] == ["N°", "Nom", "Prénom", "Fonction", "Organisme", "Courriel"]
    assert table.rows[2] == [
        "2",
        "MALONGA",
        "Prisca",
        "Chercheuse",
        "Institut National de Recherche Agronomique",
        "p.malonga@inra.cg",
    ]
    assert len(table.rows) == 3


def test_a_csv_file_is_a_table():
    content = read_attachment(attachment_of("58-en-csv.eml"), LIMITS)
    [table] = content.lines
    assert table.rows == [
        ["Name", "Designation", "Agency", "Email"],
        [
            "Dr. Nurul Huda binti Ahmad",
            "Principal Assistant Secretary",
            "Ministry of Natural Resources and Environmental Sustainability",
            "nurulhuda@nres.gov.my",
        ],
        [
            "Kumaran Subramaniam",
            "Research Officer",
            "Malaysian Agricultural Research and Development Institute (MARDI)",
            "kumaran@mardi.gov.my",
        ],
    ]


def test_a_semicolon_csv_past_the_row_limit_is_cut():
    data = b"Name;Email\nAna Ruiz;ana@inia.gob.pe\nRosa Quispe;rquispe@minam.gob.pe\n"
    attachment = Attachment("list.csv", "text/csv", data)
    [table] = read_attachment(attachment, LimitsConfig(max_sheet_rows=2)).lines
    assert table.rows == [["Name", "Email"], ["Ana Ruiz", "ana@inia.gob.pe"]]


def test_a_text_file_gives_its_non_blank_lines_squeezed():
    attachment = Attachment("names.txt", "text/plain", b"Ana  Ruiz\n\n  ana@inia.gob.pe \n")
    content = read_attachment(attachment, LIMITS)
    assert content.lines == ["Ana Ruiz", "ana@inia.gob.pe"]
    assert content.warnings == []


def test_the_format_is_known_by_content_type_when_the_name_has_no_suffix():
    attachment = Attachment("participants", "text/csv", b"Name,Email\nAna Ruiz,ana@inia.gob.pe\n")
    [table] = read_attachment(attachment, LIMITS).lines
    assert table.rows == [["Name", "Email"], ["Ana Ruiz", "ana@inia.gob.pe"]]


def test_a_scan_without_text_is_a_no_text_layer_warning():
    content = read_attachment(attachment_of("55-en-scanned-pdf-no-text-layer.eml"), LIMITS)
    assert content.lines == []
    assert content.warnings == [
        Warning(
            WarningCode.NO_TEXT_LAYER,
            "Scan_20250708_093112.pdf: no text could be read (a scan?)",
            "Scan_20250708_093112.pdf",
        )
    ]
    assert str(content.warnings[0]) == (
        "no_text_layer: Scan_20250708_093112.pdf: no text could be read (a scan?)"
    )


def test_a_corrupt_word_file_is_an_unreadable_attachment():
    content = read_attachment(attachment_of("60-en-corrupt-docx-attachment.eml"), LIMITS)
    name = "Nominations_SierraLeone_OnlineForum.docx"
    assert content.lines == []
    assert content.warnings == [
        Warning(WarningCode.UNREADABLE_ATTACHMENT, f"{name}: not a valid Office file", name)
    ]


def test_an_office_file_with_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(2001):
            archive.writestr(f"part{number}.xml", b"")
    content = read_attachment(Attachment("letter.docx", DOCX, buffer.getvalue()), LIMITS)
    assert content.warnings == [
        Warning(
            WarningCode.UNREADABLE_ATTACHMENT, "letter.docx: too many parts inside", "letter.docx"
        )
    ]


def test_a_broken_pdf_says_why_it_could_not_be_read():
    content = read_attachment(Attachment("letter.pdf", "application/pdf", b"%PDF-1.4 junk"), LIMITS)
    assert [str(w) for w in content.warnings] == [
        "unreadable_attachment: letter.pdf: not a readable PDF (PdfStreamError)"
    ]
    assert content.warnings[0].subject == "letter.pdf"


def test_an_old_word_file_is_reported_not_read():
    content = read_attachment(Attachment("letter.doc", "application/msword", b"\xd0\xcf"), LIMITS)
    assert content.lines == []
    assert content.warnings == [
        Warning(WarningCode.UNREADABLE_ATTACHMENT, "letter.doc: format not supported", "letter.doc")
    ]


def test_an_unknown_format_is_silently_skipped():
    content = read_attachment(Attachment("logo.svg", "image/svg+xml", b"<svg/>"), LIMITS)
    assert (content.lines, content.warnings) == ([], [])


def test_a_part_past_the_size_limit_is_not_read():
    limits = LimitsConfig(max_attachment_bytes=10 * 1024)
    attachment = Attachment("annex.pdf", "application/pdf", b"", omitted_bytes=30 * 1024)
    content = read_attachment(attachment, limits)
    assert content.lines == []
    assert content.warnings == [
        Warning(
            WarningCode.ATTACHMENT_TOO_LARGE,
            "annex.pdf: 30 KB, limit 10 KB; not read",
            "annex.pdf",
        )
    ]


def test_a_pdf_longer_than_the_page_limit_is_read_in_part():
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for number in range(3):
        pdf.add_page()
        pdf.cell(text=f"Page {number + 1}: Dr. Ana Ruiz, ana{number}@inia.gob.pe")
    attachment = Attachment("framework.pdf", "application/pdf", bytes(pdf.output()))
    content = read_attachment(attachment, LimitsConfig(max_pdf_pages=2))
    assert content.warnings == [
        Warning(
            WarningCode.ATTACHMENT_TRUNCATED, "framework.pdf: read 2 of 3 pages", "framework.pdf"
        )
    ]
    assert content.lines == [
        "Page 1: Dr. Ana Ruiz, ana0@inia.gob.pe",
        "Page 2: Dr. Ana Ruiz, ana1@inia.gob.pe",
    ]
