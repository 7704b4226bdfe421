"""Writes the attachment fixtures of tests/reading/test_attachments.py with the libraries
that make such files: odfpy (.odt, .ods), python-docx (.docx), fpdf2 (.pdf), poppler's
pdftoppm and Pillow (scans), aspose-email-foss (.msg: an MSG writer, not a project
dependency; install it in a separate environment to rebuild forwarded.msg). The RTF and
CSV files are written as bytes, the way Word and spreadsheet programs save them.

Run: ``python tests/data/attachments/make_fixtures.py [NAME ...]`` (all when no name).
"""

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def odt() -> None:
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import H, LineBreak, List, ListItem, P, S

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="RÉPUBLIQUE DU SÉNÉGAL"))
    doc.text.addElement(P(text="Ministère de l'Environnement et du Développement durable"))
    dated = P(text="Dakar, le 4 juillet 2025")
    dated.addElement(LineBreak())
    dated.addText("N° 0425/MEDD/DEEC")
    doc.text.addElement(dated)
    subject = P(text="Objet :")
    subject.addElement(S(c=3))
    subject.addText("Atelier régional sur la biosécurité")
    doc.text.addElement(subject)
    noted = P(text="J'ai l'honneur de vous communiquer la liste de notre délégation.")
    note = Annotation()
    note.addElement(P(text="à vérifier avec le cabinet"))
    noted.addElement(note)
    doc.text.addElement(noted)
    items = List()
    item = ListItem()
    item.addElement(P(text="Délégation désignée par le point focal national :"))
    items.addElement(item)
    doc.text.addElement(items)

    table = Table(name="Delegation")
    table.addElement(TableColumn(numbercolumnsrepeated=4))

    def cell(text: str, **attributes) -> TableCell:
        made = TableCell(valuetype="string", **attributes)
        made.addElement(P(text=text))
        return made

    title = TableRow()
    title.addElement(cell("Délégation du Sénégal", numbercolumnsspanned=4))
    for _ in range(3):
        title.addElement(CoveredTableCell())
    header = TableRow()
    for text in ("Nom", "Fonction", "Institution", "Courriel"):
        header.addElement(cell(text))
    first = TableRow()
    first.addElement(cell("Dr Awa Diop"))
    first.addElement(cell("Directrice"))
    first.addElement(cell("DEEC", numberrowsspanned=2))
    first.addElement(cell("awa.diop@environnement.gouv.sn"))
    second = TableRow()
    second.addElement(cell("M. Moussa Ndiaye"))
    second.addElement(cell("Chef de division"))
    second.addElement(CoveredTableCell())
    second.addElement(cell("m.ndiaye@environnement.gouv.sn"))
    for row in (title, header, first, second):
        table.addElement(row)
    doc.text.addElement(table)
    closing = "Veuillez agréer, Madame la Secrétaire exécutive, l'assurance de ma considération."
    doc.text.addElement(P(text=closing))
    doc.save(str(HERE / "delegation.odt"))


def ods() -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()

    def cell(value) -> TableCell:
        if isinstance(value, float):
            made = TableCell(valuetype="float", value=value)
            made.addElement(P(text=f"{value:g}"))
        else:
            made = TableCell(valuetype="string")
            made.addElement(P(text=value))
        return made

    sheet = Table(name="Participantes")
    rows = [
        ["N°", "Nombre", "Apellidos", "Cargo", "Institución", "Correo electrónico"],
        [1.0, "Ana", "Ruiz Torres", "Especialista", "INIA", "ana.ruiz@inia.gob.pe"],
        [2.0, "Rosa", "Quispe Mamani", "Directora", "MINAM", "rquispe@minam.gob.pe"],
    ]
    for values in rows:
        row = TableRow()
        for value in values:
            row.addElement(cell(value))
        row.addElement(TableCell(numbercolumnsrepeated=1018))  # as LibreOffice pads a row
        sheet.addElement(row)
    blank = TableRow(numberrowsrepeated=1048573)  # and the rest of the sheet
    blank.addElement(TableCell(numbercolumnsrepeated=1024))
    sheet.addElement(blank)
    doc.spreadsheet.addElement(sheet)
    notes = Table(name="Notas")
    row = TableRow()
    row.addElement(cell("Enviado por la Dirección General de Diversidad Biológica"))
    notes.addElement(row)
    doc.spreadsheet.addElement(notes)
    doc.save(str(HERE / "participantes.ods"))


def docx() -> None:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("KENYA PLANT HEALTH INSPECTORATE SERVICE")
    document.add_paragraph("Kenya nominates the following officers:")
    table = document.add_table(rows=5, cols=4)
    values = [
        ["Participants from Kenya", "", "", ""],
        ["No.", "Name", "Institution", "E-mail"],
        ["1", "Dr. Jane Mwangi", "KEPHIS", "jmwangi@kephis.org"],
        ["2", "Peter Otieno", "", "potieno@kephis.org"],
        ["3", "Mary Wanjiku (independent expert)", "", "mwanjiku@gmail.com"],
    ]
    for r, row in enumerate(values):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(0, 3)).text = "Participants from Kenya"
    table.cell(2, 2).merge(table.cell(3, 2)).text = "KEPHIS"
    table.cell(4, 1).merge(table.cell(4, 2)).text = "Mary Wanjiku (independent expert)"
    document.add_paragraph("Yours faithfully,")
    document.save(str(HERE / "merged-cells.docx"))


def _letter_page(pdf, lines: list[str]) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for text in lines:
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf, rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
    for index, row in enumerate(rows):
        pdf.set_font("Helvetica", "B" if index == 0 and row[0] == "Name" else "", 10)
        for width, text in zip(widths, row, strict=True):
            pdf.cell(width, 9, text, border=1)
        pdf.ln()


def annex_pdf() -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    _letter_page(
        pdf,
        [
            "MINISTRY OF ENVIRONMENT, FORESTRY AND TOURISM",
            "Windhoek, 2 July 2025",
            "",
            "The Executive Secretary",
            "Secretariat of the Convention on Biological Diversity",
            "",
            "Dear Madam,",
            "Namibia is pleased to nominate the participants listed in the annex.",
            "",
            "Yours sincerely,",
            "Teofilus Nghitila",
            "Executive Director, t.nghitila@meft.gov.na",
        ],
    )
    widths = (55, 40, 35, 60)
    _letter_page(pdf, ["Annex: List of participants", ""])
    _table(
        pdf,
        [
            ("Name", "Position", "Organisation", "E-mail"),
            ("Ms. Selma Amutenya", "Biosafety Officer", "NCRST", "samutenya@ncrst.na"),
            ("Mr. Johannes Haufiku", "Scientist", "UNAM", "jhaufiku@unam.na"),
        ],
        widths,
    )
    pdf.add_page()  # the table goes on at the top of the next page
    _table(pdf, [("Dr. Ndapewa Shikongo", "Director", "MEFT", "nshikongo@meft.gov.na")], widths)
    pdf.output(str(HERE / "annex-on-page-2.pdf"))


def _scan(pdf_bytes: bytes, name: str) -> None:
    """A typed page as a scanner gives it: a 300 dpi bilevel image, no text layer."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "typed.pdf"
        source.write_bytes(pdf_bytes)
        root = Path(folder) / "page"
        command = ["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(source), str(root)]
        subprocess.run(command, check=True)
        page = Image.open(root.with_suffix(".png")).convert("1")
    page.save(HERE / f"{name}.png", optimize=True)
    page.save(HERE / f"{name}.pdf", resolution=300)


def scanned() -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, "MINISTERIO DEL AMBIENTE - REPUBLICA DEL PERU", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.ln(6)
    for text in (
        "Lima, 3 de julio de 2025",
        "",
        "Secretaria Ejecutiva",
        "Convenio sobre la Diversidad Biologica",
        "",
        "Tengo el agrado de nominar a las siguientes personas para el Foro en linea:",
    ):
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _table(
        pdf,
        [
            ("Nombre", "Institucion", "Correo electronico"),
            ("Ana Ruiz Torres", "INIA", "ana.ruiz@inia.gob.pe"),
            ("Rosa Quispe Mamani", "MINAM", "rquispe@minam.gob.pe"),
            ("Jorge Salazar Vega", "SENASA", "jsalazar@senasa.gob.pe"),
        ],
        (60, 40, 80),
    )
    pdf.ln(8)
    pdf.cell(0, 7, "Atentamente,", new_x="LMARGIN", new_y="NEXT")
    _scan(bytes(pdf.output()), "scanned-letter")


def scanned_russian() -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    for text in (
        "МИНИСТЕРСТВО ПРИРОДНЫХ РЕСУРСОВ И ЭКОЛОГИИ",
        "",
        "Исполнительному секретарю",
        "Секретариата Конвенции о биологическом разнообразии",
        "",
        "Российская Федерация направляет для участия в семинаре:",
        "",
        "Иванов Иван Петрович, главный специалист, ivanov@mnr.gov.ru",
        "Смирнова Ольга Андреевна, эксперт, smirnova@vniiprirody.ru",
        "",
        "С уважением,",
    ):
        pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    _scan(bytes(pdf.output()), "scanned-russian")
    (HERE / "scanned-russian.pdf").unlink()


def rtf() -> None:
    # RTF ignores line ends outside text, so the file is cut into lines between words.
    letter = [
        r"{\rtf1\ansi\ansicpg1252\deff0\nouicompat",
        r"{\fonttbl{\f0\froman\fcharset0 Times New Roman;}{\f1\fswiss\fcharset204 Arial;}}",
        r"{\colortbl ;\red0\green0\blue255;}",
        r"{\*\generator Riched20 10.0.19041}\viewkind4\uc1",
        r"\pard\sa200\sl276\slmult1\f0\fs24 R\'e9publique de C\'f4te d\'92Ivoire\par",
        r"Minist\u232?re de l\rquote Environnement\par",
        r"{\pict\pngblip\picw64\pich64\picwgoal960\pichgoal960",
        r"89504e470d0a1a0a0000000d49484452000000400000004008060000}",
        r"\par J\rquote ai l\rquote honneur de vous proposer les participants suivants :\par",
        r"\trowd\trgaph108\cellx3000\cellx6000\cellx9000",
        r"\pard\intbl Nom\cell Fonction\cell Courriel\cell\row",
        r"\trowd\trgaph108\cellx3000\cellx6000\cellx9000",
        r"\pard\intbl Dr Kouadio Yao\par Directeur\cell Chef de service\cell",
        r'{\field{\*\fldinst{HYPERLINK "mailto:k.yao@environnement.gouv.ci"}}',
        r"{\fldrslt{k.yao@environnement.gouv.ci}}}\cell\row",
        r"\trowd\trgaph108\cellx3000\cellx6000\cellx9000",
        r"\pard\intbl Mme A\'efcha Kon\'e9\cell Chercheuse\cell a.kone@csrs.ci\cell\row",
        r"\pard\sa200 Copie : {\f1 \'cc\'e8\'ed\'e8\'f1\'f2\'e5\'f0\'f1\'f2\'e2\'ee}\par",
        r"Veuillez agr\'e9er l\rquote expression de ma haute consid\'e9ration.\par",
        "}",
    ]
    (HERE / "participants.rtf").write_bytes("\r\n".join(letter).encode("ascii") + b"\r\n")


def csv_files() -> None:
    russian = (
        "ФИО;Должность;Организация;Эл. почта\r\n"
        "Иванов Иван Петрович;Главный специалист;Минприроды России;ivanov@mnr.gov.ru\r\n"
        "СМИРНОВА Ольга;Эксперт;ВНИИ природы;smirnova@vniiprirody.ru\r\n"
    )
    (HERE / "participants-ru-cp1251.csv").write_bytes(russian.encode("cp1251"))
    french = (
        "Nom;Prénom;Fonction;Courriel\r\n"
        'KONÉ;Aïcha;"Chercheuse; biosécurité";a.kone@csrs.ci\r\n'
        "N'GUESSAN;François;Directeur général adjoint;f.nguessan@environnement.gouv.ci\r\n"
    )
    (HERE / "participants-fr-latin1.csv").write_bytes(french.encode("latin-1"))


def msg() -> None:
    from aspose.email_foss import msg as mapi

    body = (
        "Madame, Monsieur,\r\n\r\n"
        "Le Sénégal désigne les personnes suivantes pour l'atelier régional :\r\n\r\n"
        "1. Dr Fatou Ba, DEEC, fatou.ba@environnement.gouv.sn\r\n"
        "2. M. Cheikh Fall, ISRA, cheikh.fall@isra.sn\r\n\r\n"
        "Une troisième participante figure dans la liste jointe.\r\n\r\n"
        "Cordialement,\r\nIbrahima Sarr\r\n"
    )
    message = mapi.MapiMessage.create("Désignation des participants – atelier régional", body)
    message.set_property(mapi.PropertyId.SENDER_NAME, "Ibrahima Sarr")
    message.set_property(mapi.PropertyId.SENDER_ADDRESS_TYPE, "SMTP")
    message.set_property(mapi.PropertyId.SENDER_EMAIL_ADDRESS, "i.sarr@environnement.gouv.sn")
    delivered = datetime(2025, 7, 4, 9, 30, tzinfo=UTC)
    message.set_property(mapi.PropertyId.MESSAGE_DELIVERY_TIME, delivered)
    message.add_recipient("secretariat@cbd.int", display_name="Secrétariat CBD")
    message.add_recipient(
        "awa.diop@environnement.gouv.sn",
        display_name="Diop, Awa",
        recipient_type=mapi.RECIPIENT_TYPE_CC,
    )
    listing = "Nom;Institution;Courriel\r\nMme Aminata Sy;CSE;aminata.sy@cse.sn\r\n"
    message.add_attachment("liste.csv", listing.encode("cp1252"), mime_type="text/csv")
    message.add_attachment("image001.png", _logo(), mime_type="image/png", content_id="logo")
    reply = mapi.MapiMessage.create(
        "RE: atelier régional", "Je confirme ma disponibilité.\r\nKhady Diallo\r\n"
    )
    reply.set_property(mapi.PropertyId.SENDER_NAME, "Khady Diallo")
    reply.set_property(mapi.PropertyId.SENDER_ADDRESS_TYPE, "SMTP")
    reply.set_property(mapi.PropertyId.SENDER_EMAIL_ADDRESS, "khady.diallo@ucad.edu.sn")
    reply.add_recipient("i.sarr@environnement.gouv.sn", display_name="Ibrahima Sarr")
    reply.add_attachment("cv.txt", b"Khady Diallo, khady.diallo@ucad.edu.sn\r\n")
    message.add_embedded_message_attachment(reply, filename="RE atelier regional.msg")
    message.save(str(HERE / "forwarded.msg"))


def bare_msg() -> None:
    """A message saved from the drafts: no sender, no recipient, only a body."""
    from aspose.email_foss import msg as mapi

    body = "Liste des participants :\r\nDr Fatou Ba, fatou.ba@environnement.gouv.sn\r\n"
    mapi.MapiMessage.create("", body).save(str(HERE / "draft.msg"))


def _logo() -> bytes:
    """A small signature logo: a 1-bit 120x40 PNG (written without Pillow)."""
    import struct
    import zlib

    width, height = 120, 40
    rows = b"".join(b"\x00" + bytes([0xFF if y % 8 < 4 else 0x0F] * 15) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


FIXTURES = {
    "odt": odt,
    "ods": ods,
    "docx": docx,
    "annex_pdf": annex_pdf,
    "scanned": scanned,
    "scanned_russian": scanned_russian,
    "rtf": rtf,
    "csv": csv_files,
    "msg": msg,
    "bare_msg": bare_msg,
}


def main(names: list[str]) -> None:
    for name in names or list(FIXTURES):
        try:
            FIXTURES[name]()
        except ImportError as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
