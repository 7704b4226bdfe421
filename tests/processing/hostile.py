"""Hostile mail, generated in code: every builder returns the bytes of one message.

Each is a focal point of the test directory (Samuel Kiprono, Kenya) writing to the
secretariat, so a message read correctly has a sender the policy knows; what makes it
hostile is in its headers, its structure or its attachments. Nothing here is kept on disk.
"""

import base64
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

SENDER = "s.kiprono@environment.go.ke"
JANE = "jane.mwangi@biosafetykenya.go.ke"
PETER = "p.otieno@kephis.go.ke"
NOMINEES = frozenset({JANE, PETER})
INTRUDER = "intruder@attacker.example"  # must never be registered nor mailed
MB = 1024 * 1024
NOMINATION = (
    "Dear Secretariat,\n\n"
    "With reference to notification SCBD/CPU/WM/UN/92214, Kenya nominates:\n\n"
    f"1. Dr. Jane MWANGI, National Biosafety Authority, {JANE}\n"
    f"2. Mr. Peter Otieno ({PETER})\n\n"
    "Kind regards,\nSamuel Kiprono\nCartagena Protocol National Focal Point\n"
)


def _head(name: str, *extra: str, sender: str = f"Samuel Kiprono <{SENDER}>") -> str:
    return "\r\n".join(
        [
            f"From: {sender}",
            "To: secretariat@cbd.int",
            "Subject: Nomination - Online Forum on Capacity-building for Biosafety",
            "Date: Wed, 9 Jul 2025 10:00:00 +0300",
            f"Message-ID: <hostile-{name}@mail.environment.go.ke>",
            "MIME-Version: 1.0",
            *extra,
        ]
    )


def _plain(name: str, *extra: str, body: str = NOMINATION, sender: str = "") -> bytes:
    head = _head(name, *extra, sender=sender) if sender else _head(name, *extra)
    text = body.replace("\n", "\r\n")
    return (
        f"{head}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{text}"
    ).encode()


def _part(content_type: str, body: bytes, filename: str | None = None) -> bytes:
    lines = [f"Content-Type: {content_type}"]
    if filename:
        lines.append(f'Content-Disposition: attachment; filename="{filename}"')
        lines.append("Content-Transfer-Encoding: base64")
        body = base64.encodebytes(body)
    else:
        lines.append("Content-Transfer-Encoding: 8bit")
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + body


def _mixed(name: str, parts: list[bytes], *extra: str, close: bool = True) -> bytes:
    boundary = f"=-hostile-{name}-="
    head = _head(name, *extra, f'Content-Type: multipart/mixed; boundary="{boundary}"')
    chunks = [head.encode(), b"\r\n\r\n"]
    for part in parts:
        chunks += [f"--{boundary}\r\n".encode(), part, b"\r\n"]
    if close:
        chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def _with_file(name: str, filename: str, content_type: str, data: bytes) -> bytes:
    body = NOMINATION.replace("Kind regards", "Their forms are attached.\n\nKind regards")
    text = _part("text/plain; charset=utf-8", body.encode())
    return _mixed(name, [text, _part(content_type, data, filename)])


def _recipients(count: int) -> str:
    people = (
        f"Delegate Number{n} <delegate{n}@ministry{n % 97}.example.org>" for n in range(count)
    )
    return ",\r\n ".join(people)


def many_cc() -> bytes:
    return _plain("cc-10000", f"Cc: {_recipients(10_000)}")


def long_header_line() -> bytes:
    return _plain("header-1mb", "X-Campaign: " + "A" * MB)


def nomination_with_long_headers() -> bytes:
    """~1,400 copied recipients (more than 64 KiB of headers) and a 300 KB body."""
    letter = "\n".join(
        f"Paragraph {n}: the national biosafety framework of Kenya, its committees, "
        "the capacity-building needs identified by the National Biosafety Authority."
        for n in range(3000)
    )
    body = NOMINATION + "\n" + letter + "\n"
    return _plain("cc-1400", f"Cc: {_recipients(1400)}", body=body)


def _encoded(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def crlf_in_encoded_names() -> bytes:
    """CR/LF decoded from RFC 2047 words: in the sender's name and in a copied nominee's."""
    sender_name = _encoded("Samuel Kiprono\r\nBcc: " + INTRUDER)
    peter_name = _encoded("Peter Otieno\r\nBcc: " + INTRUDER + "\r\n")
    sender, peter = f"{sender_name} <{SENDER}>", f"{peter_name} <{PETER}>"
    body = NOMINATION.replace(f"Mr. Peter Otieno ({PETER})", PETER)
    return _plain("crlf-names", f"Cc: {peter}", body=body, sender=sender)


def crlf_in_html_name_cell() -> bytes:
    row = "<tr><td>{}</td><td>{}</td><td>{}</td></tr>"
    table = "".join(
        [
            "<table><tr><th>Name</th><th>Organization</th><th>E-mail</th></tr>",
            row.format(
                f"Dr. Jane Mwangi&#13;&#10;Bcc: {INTRUDER}", "National Biosafety Authority", JANE
            ),
            row.format(f"Peter Otieno =?utf-8?q?=0D=0A?= {INTRUDER}", "KEPHIS", PETER),
            "</table>",
        ]
    )
    html = (
        "<html><body><p>Dear Secretariat,</p><p>With reference to notification "
        "SCBD/CPU/WM/UN/92214, Kenya nominates:</p>"
        f"{table}<p>Kind regards,<br>Samuel Kiprono</p></body></html>"
    )
    return _mixed("html-cell", [_part("text/html; charset=utf-8", html.encode())])


def _zip(members: dict[str, bytes | tuple[bytes, int]]) -> bytes:
    """A zip archive; a member given as (chunk, count) is that chunk repeated, streamed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(member, content)
                continue
            chunk, count = content
            with archive.open(member, "w", force_zip64=True) as handle:
                for _ in range(count):
                    handle.write(chunk)
    return buffer.getvalue()


def _padding(expanded: int) -> tuple[bytes, int]:
    chunk = b"<!-- " + b" " * (MB - 9) + b" -->"
    return chunk, expanded // MB


_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    b'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)


def docx_bomb(expanded: int) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES,
            "_rels/.rels": _DOCX_RELS,
            "word/document.xml": _padding(expanded),
        }
    )


def xlsx_bomb(expanded: int) -> bytes:
    return _zip({"[Content_Types].xml": _DOCX_TYPES, "xl/sharedStrings.xml": _padding(expanded)})


def opendocument_bomb(expanded: int, kind: str) -> bytes:
    mimetype = f"application/vnd.oasis.opendocument.{kind}".encode()
    return _zip({"mimetype": mimetype, "content.xml": _padding(expanded)})


def zip_bomb(expanded: int) -> bytes:
    return _zip({"participants.txt": (b"\0" * MB, expanded // MB)})


_BOMBS: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "participants.docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx_bomb,
    ),
    "participants.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx_bomb,
    ),
    "participants.odt": (
        "application/vnd.oasis.opendocument.text",
        lambda n: opendocument_bomb(n, "text"),
    ),
    "participants.ods": (
        "application/vnd.oasis.opendocument.spreadsheet",
        lambda n: opendocument_bomb(n, "spreadsheet"),
    ),
    "participants.zip": ("application/zip", zip_bomb),
}


def bomb(filename: str, expanded: int) -> bytes:
    content_type, build = _BOMBS[filename]
    tag = f"bomb-{filename.replace('.', '-')}-{expanded // MB}"
    return _with_file(tag, filename, content_type, build(expanded))


def many_attachments(count: int = 500) -> bytes:
    text = _part("text/plain; charset=utf-8", NOMINATION.encode())
    files = [
        _part("text/plain; charset=utf-8", f"Annex {n}: background.\n".encode(), f"annex-{n}.txt")
        for n in range(count)
    ]
    return _mixed("attachments-500", [text, *files])


def thirty_megabytes() -> bytes:
    """30 MB in parts each too small to be cut out before parsing (250 KB encoded)."""
    text = _part("text/plain; charset=utf-8", NOMINATION.encode())
    scans = [_part("application/pdf", os.urandom(180 * 1024), f"scan-{n}.pdf") for n in range(125)]
    return _mixed("message-30mb", [text, *scans])


def deep_multipart(depth: int = 200) -> bytes:
    inner = _part("text/plain; charset=utf-8", NOMINATION.encode())
    for level in range(depth):
        boundary = f"level-{level}"
        inner = (
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n--{boundary}\r\n'.encode()
            + inner
            + f"\r\n--{boundary}--\r\n".encode()
        )
    return _head("nesting-200").encode() + b"\r\n" + inner


def deep_attached_mail(depth: int = 200) -> bytes:
    inner = _plain("nested-0")
    for level in range(1, depth):
        boundary = f"attached-{level}"
        inner = (
            (
                _head(f"nested-{level}", f'Content-Type: multipart/mixed; boundary="{boundary}"')
                + f"\r\n\r\n--{boundary}\r\nContent-Type: text/plain\r\n\r\nForwarded.\r\n"
                + f"--{boundary}\r\nContent-Type: message/rfc822\r\n\r\n"
            ).encode()
            + inner
            + f"\r\n--{boundary}--\r\n".encode()
        )
    return inner.replace(b"hostile-nested-199@", b"hostile-attached-200@", 1)


def truncated_mime() -> bytes:
    text = _part("text/plain; charset=utf-8", NOMINATION.encode())
    annex = _part("application/pdf", os.urandom(40_000), "annex.pdf")
    return _mixed("truncated", [text, annex[: len(annex) // 2]], close=False)


def nul_bytes() -> bytes:
    body = NOMINATION.replace("Dear Secretariat,", "Dear\0 Secretariat,\0\0")
    raw = _plain("nul", "X-Tracking: \0\0abc\0", "Keywords: nomi\0nation", body=body)
    return raw.replace(b"From: Samuel Kiprono", b"From: Samuel\0 Kiprono", 1).replace(
        b"Subject: Nomination", b"Subject: Nomi\0nation", 1
    )


def unknown_charset() -> bytes:
    head = _head(
        "charset",
        "Content-Type: text/plain; charset=x-no-such-charset",
        "Content-Transfer-Encoding: 8bit",
        sender=f"=?x-no-such-charset?q?Samuel_Kiprono?= <{SENDER}>",
    ).replace("Subject: Nomination", "Subject: =?x-unknown?q?Nomination?=", 1)
    body = NOMINATION.replace("Dear", "Très chère").replace("\n", "\r\n")
    return head.encode() + b"\r\n\r\n" + body.encode()


@dataclass(frozen=True)
class Case:
    """One hostile message and what a correct reading of it gives."""

    name: str
    build: Callable[[], bytes]
    nominees: frozenset[str] = NOMINEES  # read and registered (empty: not required)
    warnings: tuple[str, ...] = ()  # one of these warning codes must be given
    extra: dict = field(default_factory=dict)


_FILE_WARNINGS = ("attachment_too_large", "unreadable_attachment")
# Within the size limit (refused by its ratio alone), and past both limits.
_BOMB_SIZES = {"ratio": 12 * MB, "big": 64 * MB}
CASES = [
    Case("cc-10000", many_cc),
    Case("header-1mb", long_header_line),
    Case("cc-1400-long-body", nomination_with_long_headers),
    Case("crlf-in-encoded-names", crlf_in_encoded_names),
    Case("crlf-in-html-name-cell", crlf_in_html_name_cell),
    *[
        Case(
            f"bomb-{name.rsplit('.', 1)[1]}-{label}",
            lambda name=name, size=size: bomb(name, size),
            warnings=() if name.endswith(".zip") else _FILE_WARNINGS,
        )
        for name in _BOMBS
        for label, size in _BOMB_SIZES.items()
    ],
    Case("attachments-500", many_attachments, warnings=("attachment_skipped",)),
    Case("message-30mb", thirty_megabytes),
    # The nomination is 200 levels down, past [limits] max_mime_containers: not read.
    Case("multipart-nesting-200", deep_multipart, nominees=frozenset(), warnings=("parse_error",)),
    Case(
        "attached-mail-nesting-200",
        deep_attached_mail,
        nominees=frozenset(),
        warnings=("parse_error", "attachment_skipped"),
    ),
    Case("truncated-mime", truncated_mime),
    Case("nul-bytes", nul_bytes),
    Case("unknown-charset", unknown_charset, warnings=("charset_mismatch",)),
]
