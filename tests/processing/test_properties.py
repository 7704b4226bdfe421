"""Properties over generated input (hypothesis, 500 examples each): the mail parser, the
reading stage and mail composition never let an exception escape, never put text from
the input into an outgoing header with CR or LF, and never make a participant of an
address that appears only inside another field (a name cell, a display name, a subject).
"""

import base64
from email import message_from_bytes, policy
from email.utils import getaddresses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.message.parse import parse_mail
from bot.notify.writer import MailWriter, Original
from bot.reading.analysis import analyse
from tests.notify.test_writer import context as reply_context
from tests.processing.hostile import INTRUDER, JANE, NOMINATION, SENDER

PROPERTY = settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as hostile mail carries it: any code point, with the line breaks, NULs, quotes,
# angle brackets and encoded-word markers that break naive parsers over-represented.
_TRICKY = st.sampled_from(
    ["\r\n", "\r", "\n", "\x00", "<", ">", '"', "=?", "?=", "@", ";", ":", ",", "\t", "Bcc: "]
)
hostile_text = st.lists(st.one_of(st.text(max_size=12), _TRICKY), max_size=12).map("".join)
CHARSETS = ["utf-8", "iso-8859-1", "koi8-r", "gb2312", "windows-1256", "x-unknown", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", ""]


def _encoded_word(text: str, charset: str = "utf-8") -> str:
    data = base64.b64encode(text.encode("utf-8", "surrogatepass")).decode()
    return f"=?{charset or 'utf-8'}?b?{data}?="


@st.composite
def messages(draw) -> bytes:
    """A message whose every header and part is drawn: sometimes well formed, often not."""
    name = draw(st.one_of(hostile_text, hostile_text.map(_encoded_word)))
    subject = draw(st.one_of(hostile_text, hostile_text.map(_encoded_word)))
    charset, encoding = draw(st.sampled_from(CHARSETS)), draw(st.sampled_from(ENCODINGS))
    subtype = draw(st.sampled_from(["plain", "html", "mixed", "alternative", "rfc822"]))
    body = draw(st.one_of(hostile_text, st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
    boundary = draw(st.sampled_from(["b1", "", '"b 1"', "b1;x"]))
    head = [
        f"From: {name} <{SENDER}>",
        "To: secretariat@cbd.int",
        f"Subject: {subject}",
        f"Message-ID: <{draw(hostile_text)}@x>",
        "MIME-Version: 1.0",
        f"Content-Type: {'multipart' if subtype in ('mixed', 'alternative') else 'text'}/"
        f"{subtype}; charset={charset}; boundary={boundary}",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    if subtype in ("mixed", "alternative"):
        part = f"Content-Type: text/plain; charset={charset}\r\n\r\n{body}"
        body = f"--b1\r\n{part}\r\n--b1\r\n{part}" + draw(st.sampled_from(["\r\n--b1--", ""]))
    keep = draw(st.integers(min_value=1, max_value=len(head)))
    raw = "\r\n".join(head[:keep]) + "\r\n\r\n" + body
    return raw.encode("utf-8", "surrogatepass")


@PROPERTY
@given(st.one_of(messages(), st.binary(max_size=2000)))
def test_parsing_and_reading_never_raise(raw):
    mail = parse_mail(raw)
    assert isinstance(mail.subject, str)
    analysis = analyse(raw)
    assert analysis.kind is not None


def _hidden_intruder(draw) -> str:
    """The intruder's address with a line break before it, as HTML, QP or an encoded word."""
    before = draw(st.sampled_from(["&#13;&#10;", "=?utf-8?q?=0D=0A?= ", "<br>", " ", "\r\n "]))
    words = draw(st.sampled_from(["Bcc: ", "Cc: ", "To: ", "", "mailto:"]))
    return f"{before}{words}{INTRUDER}"


@st.composite
def nominations_with_an_intruder(draw) -> bytes:
    """Kenya's nomination with the intruder's address only inside other fields."""
    cell = f"Dr. {draw(st.sampled_from(['Jane Mwangi', 'Jane MWANGI', 'MWANGI Jane']))}"
    cell += _hidden_intruder(draw)
    table = (
        "<table><tr><th>Name</th><th>Organization</th><th>E-mail</th></tr>"
        f"<tr><td>{cell}</td><td>National Biosafety Authority</td><td>{JANE}</td></tr></table>"
    )
    html = (
        "<html><body><p>Dear Secretariat,</p><p>With reference to notification "
        f"SCBD/CPU/WM/UN/92214, Kenya nominates:</p>{table}<p>Kind regards</p></body></html>"
    )
    sender = _encoded_word(draw(hostile_text) + "\r\nBcc: " + INTRUDER)
    subject = _encoded_word("Nomination\r\nCc: " + INTRUDER + draw(hostile_text))
    text = NOMINATION if draw(st.booleans()) else ""
    head = (
        f"From: {sender} <{SENDER}>\r\nTo: secretariat@cbd.int\r\nSubject: {subject}\r\n"
        "Message-ID: <property@mail.environment.go.ke>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
    )
    parts = [
        f"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n",
        f"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b1--\r\n",
    ]
    return (head + "".join(parts)).encode("utf-8", "surrogatepass")


@PROPERTY
@given(nominations_with_an_intruder())
def test_an_address_inside_another_field_never_becomes_a_participant(raw):
    analysis = analyse(raw)
    assert INTRUDER not in {p.email for p in analysis.participants}


WRITER = MailWriter(None, "CBD Secretariat <nominations@cbd.int>", "secretariat@cbd.int", "cbd.int")
HEADERS = {
    "from", "to", "reply-to", "subject", "date", "message-id", "in-reply-to", "references",
    "auto-submitted", "mime-version", "content-type", "content-transfer-encoding",
    "content-language", "x-nombot-loop", "precedence", "x-auto-response-suppress",
}  # fmt: skip


@PROPERTY
@given(
    to_name=st.one_of(st.none(), hostile_text),
    subject=hostile_text,
    message_id=st.one_of(st.none(), hostile_text),
    references=st.lists(hostile_text, max_size=4),
    sender_name=hostile_text,
    nominee=hostile_text,
)
def test_composed_mail_carries_no_input_line_break_in_a_header(
    to_name, subject, message_id, references, sender_name, nominee
):
    person = {"name": nominee, "email": JANE, "organization": nominee, "title": nominee,
              "status": "confirmed", "flags": []}  # fmt: skip
    rendered = WRITER.compose(
        to=SENDER,
        to_name=to_name,
        name="confirmation",
        languages=("en",),
        context=reply_context(sender_name=sender_name, confirmed=[person], pending=[person]),
        original=Original(message_id, subject, references),
    )
    head = rendered.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = [line.split(":", 1)[0].lower() for line in head.split("\r\n") if line[:1] not in " \t"]
    assert set(names) <= HEADERS, names
    assert "\r" not in head.replace("\r\n", "") and "\n" not in head.replace("\r\n", "")
    parsed = message_from_bytes(rendered.data, policy=policy.default)
    assert [a for _, a in getaddresses(parsed.get_all("To", []))] == [SENDER]
    assert parsed["Bcc"] is None and parsed["Cc"] is None
