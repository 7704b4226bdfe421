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


# Every office format a secretariat receives (fixtures: tests/data/attachments, written by
# make_fixtures.py there with the libraries that make such files).
ATTACHMENTS = DATA / "attachments"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def fixture(name: str, content_type: str = "application/octet-stream") -> Attachment:
    return Attachment(name, content_type, (ATTACHMENTS / name).read_bytes())


def test_an_opendocument_letter_keeps_paragraphs_and_a_merged_table_in_order():
    content = read_attachment(fixture("delegation.odt", ODT), LIMITS)
    assert content.warnings == []
    assert content.lines == [
        "RÉPUBLIQUE DU SÉNÉGAL",
        "Ministère de l'Environnement et du Développement durable",
        "Dakar, le 4 juillet 2025",
        "N° 0425/MEDD/DEEC",
        "Objet : Atelier régional sur la biosécurité",
        "J'ai l'honneur de vous communiquer la liste de notre délégation.",  # no comment
        "Délégation désignée par le point focal national :",
        Table(
            [
                ["Délégation du Sénégal"],  # spans the four columns, written once
                ["Nom", "Fonction", "Institution", "Courriel"],
                ["Dr Awa Diop", "Directrice", "DEEC", "awa.diop@environnement.gouv.sn"],
                ["M. Moussa Ndiaye", "Chef de division", "", "m.ndiaye@environnement.gouv.sn"],
            ]
        ),
        "Veuillez agréer, Madame la Secrétaire exécutive, l'assurance de ma considération.",
    ]


def test_an_opendocument_spreadsheet_is_one_table_per_sheet_without_its_blank_stretches():
    content = read_attachment(fixture("participantes.ods", ODS), LIMITS)
    assert content.warnings == []
    assert content.lines == [
        Table(
            [
                ["N°", "Nombre", "Apellidos", "Cargo", "Institución", "Correo electrónico"],
                ["1", "Ana", "Ruiz Torres", "Especialista", "INIA", "ana.ruiz@inia.gob.pe"],
                ["2", "Rosa", "Quispe Mamani", "Directora", "MINAM", "rquispe@minam.gob.pe"],
            ]
        ),
        Table([["Enviado por la Dirección General de Diversidad Biológica"]]),
    ]


def test_word_merged_cells_are_written_once_and_keep_every_row_on_its_columns():
    content = read_attachment(fixture("merged-cells.docx", DOCX), LIMITS)
    assert content.lines == [
        "KENYA PLANT HEALTH INSPECTORATE SERVICE",
        "Kenya nominates the following officers:",
        Table(
            [
                ["Participants from Kenya", "", "", ""],
                ["No.", "Name", "Institution", "E-mail"],
                ["1", "Dr. Jane Mwangi", "KEPHIS", "jmwangi@kephis.org"],
                ["2", "Peter Otieno", "", "potieno@kephis.org"],  # KEPHIS merged from above
                ["3", "Mary Wanjiku (independent expert)", "", "mwanjiku@gmail.com"],
            ]
        ),
        "Yours faithfully,",
    ]


def test_an_annex_on_a_later_page_is_read_and_its_table_goes_on_across_the_page_break():
    content = read_attachment(fixture("annex-on-page-2.pdf", "application/pdf"), LIMITS)
    assert content.warnings == []
    assert content.lines == [
        "MINISTRY OF ENVIRONMENT, FORESTRY AND TOURISM",
        "Windhoek, 2 July 2025",
        "The Executive Secretary",
        "Secretariat of the Convention on Biological Diversity",
        "Dear Madam,",
        "Namibia is pleased to nominate the participants listed in the annex.",
        # the signature ending page 1 is left out: the annex is not more of it
        "Annex: List of participants",
        Table(
            [
                ["Name", "Position", "Organisation", "E-mail"],
                ["Ms. Selma Amutenya", "Biosafety Officer", "NCRST", "samutenya@ncrst.na"],
                ["Mr. Johannes Haufiku", "Scientist", "UNAM", "jhaufiku@unam.na"],
                ["Dr. Ndapewa Shikongo", "Director", "MEFT", "nshikongo@meft.gov.na"],
            ]
        ),
    ]


def test_an_rtf_letter_gives_its_paragraphs_and_its_table():
    content = read_attachment(fixture("participants.rtf", "application/rtf"), LIMITS)
    assert content.warnings == []
    assert content.lines == [
        "République de Côte d’Ivoire",
        "Ministère de l’Environnement",
        "J’ai l’honneur de vous proposer les participants suivants :",
        Table(
            [
                ["Nom", "Fonction", "Courriel"],
                ["Dr Kouadio Yao Directeur", "Chef de service", "k.yao@environnement.gouv.ci"],
                ["Mme Aïcha Koné", "Chercheuse", "a.kone@csrs.ci"],
            ]
        ),
        "Copie : Министерство",  # a font with the Cyrillic character set
        "Veuillez agréer l’expression de ma haute considération.",
    ]


def test_a_russian_csv_saved_in_cp1251_with_semicolons():
    [table] = read_attachment(fixture("participants-ru-cp1251.csv", "text/csv"), LIMITS).lines
    assert table.rows == [
        ["ФИО", "Должность", "Организация", "Эл. почта"],
        ["Иванов Иван Петрович", "Главный специалист", "Минприроды России", "ivanov@mnr.gov.ru"],
        ["СМИРНОВА Ольга", "Эксперт", "ВНИИ природы", "smirnova@vniiprirody.ru"],
    ]


def test_a_french_csv_saved_in_latin1_with_semicolons_and_a_quoted_semicolon():
    [table] = read_attachment(fixture("participants-fr-latin1.csv", "text/csv"), LIMITS).lines
    assert table.rows == [
        ["Nom", "Prénom", "Fonction", "Courriel"],
        ["KONÉ", "Aïcha", "Chercheuse; biosécurité", "a.kone@csrs.ci"],
        ["N'GUESSAN", "François", "Directeur général adjoint", "f.nguessan@environnement.gouv.ci"],
    ]


def test_chinese_arabic_and_unicode_text_csv_files_are_decoded():
    chinese = "姓名,单位,电子邮件\n张伟,中国科学院,zhangwei@cas.cn\n".encode("gbk")
    arabic = "الاسم\tالجهة\tالبريد\nأحمد محمد علي\tوزارة البيئة\tahmed@env.gov.eg\n"
    unicode_text = "Name\tE-mail\nJosé Ñuñez\tjnunez@mag.gob.sv\n".encode("utf-16")
    tables = [
        read_attachment(Attachment(name, "text/csv", data), LIMITS).lines[0].rows
        for name, data in (
            ("zh.csv", chinese),
            ("ar.csv", arabic.encode("cp1256")),
            ("unicode.txt.csv", unicode_text),
        )
    ]
    assert tables == [
        [["姓名", "单位", "电子邮件"], ["张伟", "中国科学院", "zhangwei@cas.cn"]],
        [["الاسم", "الجهة", "البريد"], ["أحمد محمد علي", "وزارة البيئة", "ahmed@env.gov.eg"]],
        [["Name", "E-mail"], ["José Ñuñez", "jnunez@mag.gob.sv"]],
    ]


def test_broken_office_files_are_unreadable_attachments():
    broken = [
        Attachment("note.msg", "application/vnd.ms-outlook", b"\xd0\xcf\x11\xe0" + b"x" * 600),
        Attachment("letter.odt", ODT, b"PK\x03\x04 not a zip"),
        Attachment("letter.rtf", "application/rtf", b"Dear Secretariat"),
    ]
    assert [str(read_attachment(a, LIMITS).warnings[0]) for a in broken] == [
        "unreadable_attachment: note.msg: not a readable Outlook message (OSError)",
        "unreadable_attachment: letter.odt: not a valid Office file",
        "unreadable_attachment: letter.rtf: not an RTF file",
    ]
