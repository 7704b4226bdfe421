"""The MIME layer: headers made safe, large parts kept out of the parser, limits."""

import io
import zipfile
from email.message import EmailMessage

from bench.limits import large_attachment, long_pdf
from bot.config import LimitsConfig
from bot.message.parse import DETACH_ABOVE, detach_large_parts, parse_mail
from bot.reading.analysis import AnalysisContext, analyse
from bot.reading.attachments import read_attachment
from bot.vocab import Warning, WarningCode
from tests.conftest import DATA


def _nomination(body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Samuel Kiprono <s.kiprono@environment.go.ke>"
    message["To"] = "secretariat@cbd.int"
    message["Subject"] = "Nomination - Online Forum on Capacity-building for Biosafety"
    message["Message-ID"] = "<mime-test@environment.go.ke>"
    message.set_content(body)
    return message


def test_encoded_crlf_in_a_subject_never_reaches_a_header():
    raw = (
        b"From: a@b.org\r\nTo: secretariat@cbd.int\r\n"
        b"Subject: =?utf-8?q?Nomination=0D=0ABcc:_evil@x.com?=\r\n\r\nbody\r\n"
    )
    mail = parse_mail(raw)
    assert "\r" not in mail.subject and "\n" not in mail.subject
    assert mail.subject == "Nomination Bcc: evil@x.com"


def test_a_large_attachment_is_read_from_outside_the_parser(tmp_path):
    rows = ["Name,Email"] + [f"Person {n},person{n}@example-ministry.org" for n in range(20000)]
    rows[1234] = "Jane Mwangi,jane.mwangi@biosafetykenya.go.ke"
    data = ("\n".join(rows) + "\n").encode()
    assert len(data) > DETACH_ABOVE
    message = _nomination("Kenya nominates the participants in the attached list.")
    message.add_attachment(data, maintype="text", subtype="csv", filename="participants.csv")
    raw = message.as_bytes()

    shrunk, views = detach_large_parts(raw, DETACH_ABOVE)
    assert len(shrunk) < DETACH_ABOVE and len(views) == 1

    mail = parse_mail(raw)
    [attachment] = mail.attachments
    assert attachment.data == data
    lines = read_attachment(attachment, LimitsConfig(max_sheet_rows=30000)).lines
    assert ["Jane Mwangi", "jane.mwangi@biosafetykenya.go.ke"] in lines[0].rows


def test_a_long_text_body_is_read_whole():
    body = (
        "Dear Secretariat,\n"
        + "Background paragraph.\n" * 20000
        + ("Kenya nominates Dr. Jane Mwangi (jane.mwangi@biosafetykenya.go.ke).\n")
    )
    raw = _nomination(body).as_bytes()
    assert len(raw) > DETACH_ABOVE
    result = analyse(raw, AnalysisContext())
    assert [p.email for p in result.participants] == ["jane.mwangi@biosafetykenya.go.ke"]


def test_past_the_limits_attachments_are_skipped_with_a_warning(tmp_path):
    big = analyse(large_attachment(tmp_path / "big.eml").read_bytes(), AnalysisContext())
    assert [(w.code, w.subject) for w in big.warnings] == [
        (WarningCode.ATTACHMENT_TOO_LARGE, "annex-scans.pdf")
    ]
    assert [p.email for p in big.participants] == ["jane.mwangi@biosafetykenya.go.ke"]

    pdf = analyse(long_pdf(tmp_path / "pdf.eml", pages=250).read_bytes(), AnalysisContext())
    assert pdf.warnings == [
        Warning(
            WarningCode.ATTACHMENT_TRUNCATED,
            "framework.pdf: read 100 of 250 pages",
            "framework.pdf",
        )
    ]
    assert [p.email for p in pdf.participants] == ["p.otieno@kephis.go.ke"]


def test_a_zip_bomb_disguised_as_a_word_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    message = _nomination("Please see the attached letter nominating our participants.")
    message.add_attachment(
        buffer.getvalue(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="letter.docx",
    )
    result = analyse(message.as_bytes(), AnalysisContext())
    assert [(w.code, w.subject) for w in result.warnings] == [
        (WarningCode.UNREADABLE_ATTACHMENT, "letter.docx")
    ]
    assert "zip bomb" in result.warnings[0].detail


def test_declared_charset_that_lies_is_recovered():
    path = DATA / "nominations" / "86-fr-declared-utf8-but-latin1.eml"
    mail = parse_mail(path.read_bytes())
    assert "\ufffd" not in mail.text
    assert "Saïd" in mail.text
    assert mail.warnings == [Warning(WarningCode.CHARSET_MISMATCH, "declared utf-8")]
