"""Gathering: every zone, attachment and attached mail read for candidates and warnings."""

from dataclasses import replace

from bench.extraction import corpus_context
from bot.config import LimitsConfig
from bot.message.parse import ParsedMail, parse_mail
from bot.reading import Table
from bot.reading.gathering import addresses_in_header, body_lines, gather, text_of
from bot.vocab import Warning, WarningCode
from tests.conftest import DATA
from tests.reading.support import described

CONTEXT = corpus_context()


def fixture(name: str) -> ParsedMail:
    return parse_mail((DATA / "nominations" / name).read_bytes())


def test_a_forward_s_header_gives_correspondents_and_its_body_the_candidates():
    gathered = gather(fixture("41-en-forward-gmail.eml"), CONTEXT)
    assert [(described(c), segment.zone) for c, segment in gathered.candidates] == [
        (
            {
                "email": "juma.hassan@vpo.go.tz",
                "name": "Juma Salim Hassan",
                "title": "Mr.",
                "listed": True,
            },
            "forwarded",
        ),
        (
            {
                "email": "rehema.kileo@tari.go.tz",
                "name": "Rehema Kileo",
                "title": "Ms.",
                "listed": True,
            },
            "forwarded",
        ),
    ]
    assert gathered.correspondents == {
        "baraka.mollel@vpo.go.tz",
        "hmwinyi@vpo.go.tz",
        "neema.massawe@vpo.go.tz",
    }
    assert gathered.own_text[0].startswith("Dear Secretariat,\n\nPlease find below the names")
    assert gathered.other_text[0].startswith("\n\nDear Dr. Mwinyi,")
    assert (gathered.attachment_text, gathered.warnings) == ([], [])


def test_a_forwarded_request_to_take_part_makes_its_author_a_nominee():
    gathered = gather(fixture("45-en-forward-please-register-her.eml"), CONTEXT)
    assert [(described(c), segment) for c, segment in gathered.candidates] == [
        ({"email": "nshikongo@unam.edu.na", "name": "Ndapewa Shikongo", "listed": True}, None)
    ]


def test_an_attached_message_is_read_as_forwarded_mail_named_by_its_file():
    gathered = gather(fixture("59-en-attached-message-rfc822.eml"), CONTEXT)
    [(candidate, _)] = gathered.candidates
    assert described(candidate) == {
        "email": "devika.ramsurrun@govmu.org",
        "name": "Devika Ramsurrun",
        "title": "Dr.",
        "organization": "Food and Agricultural Research and Extension Institute",
        "source": "attachment:Nomination from National Biosafety Committee.eml",
    }
    assert gathered.correspondents == {"vdoorgah@govmu.org"}
    assert gathered.other_text[0].startswith("Dear Mrs Ramdin,")


def test_an_attached_file_is_read_and_its_text_kept_apart():
    gathered = gather(fixture("58-en-csv.eml"), CONTEXT)
    assert [(c.email, c.source, segment) for c, segment in gathered.candidates] == [
        ("nurulhuda@nres.gov.my", "attachment:nominees_malaysia.csv", None),
        ("kumaran@mardi.gov.my", "attachment:nominees_malaysia.csv", None),
    ]
    assert gathered.attachment_text[0].startswith("Name | Designation | Agency | Email\n")


def test_attachment_problems_are_gathered_as_typed_warnings():
    gathered = gather(fixture("55-en-scanned-pdf-no-text-layer.eml"), CONTEXT)
    assert gathered.warnings == [
        Warning(
            WarningCode.NO_TEXT_LAYER,
            "Scan_20250708_093112.pdf: no text could be read (a scan?)",
            "Scan_20250708_093112.pdf",
        )
    ]
    assert [(c.name, c.title) for c in gathered.names_only] == [("Rohan Persaud", "Dr.")]


def test_attachments_past_the_limit_are_skipped_with_a_warning():
    context = replace(CONTEXT, limits=LimitsConfig(max_attachments=0))
    gathered = gather(fixture("58-en-csv.eml"), context)
    assert gathered.candidates == []
    assert gathered.warnings == [
        Warning(WarningCode.ATTACHMENT_SKIPPED, "1 attachments past the limit of 0")
    ]


def test_attached_mail_nested_too_deep_is_skipped_with_a_warning():
    context = replace(CONTEXT, limits=LimitsConfig(max_nesting=0))
    gathered = gather(fixture("59-en-attached-message-rfc822.eml"), context)
    name = "Nomination from National Biosafety Committee.eml"
    assert gathered.candidates == []
    assert gathered.warnings == [
        Warning(WarningCode.ATTACHMENT_SKIPPED, f"{name}: nested too deep", name)
    ]


def test_the_html_body_is_read_when_there_is_no_text():
    parsed = fixture("22-en-html-only-webmail.eml")
    lines, source = body_lines(parsed)
    assert source == "html"
    gathered = gather(parsed, CONTEXT)
    assert [(c.email, c.source) for c, _ in gathered.candidates] == [
        ("mchanda@nba.org.zm", "html"),
        ("natasha.mulenga@mgee.gov.zm", "html"),
    ]


def test_the_text_body_is_read_when_the_html_says_no_more():
    lines, source = body_lines(fixture("01-en-free-text-single.eml"))
    assert source == "body"
    assert all(isinstance(line, str) for line in lines)


def test_addresses_in_a_header_written_in_a_forwarded_mail():
    assert addresses_in_header(
        "Jane Mwangi [mailto:jane@kephis.go.ke]; Peter <P.Otieno@Env.go.ke>"
    ) == [
        ("Jane Mwangi", "jane@kephis.go.ke"),
        ("Peter", "p.otieno@env.go.ke"),
    ]
    assert addresses_in_header("nobody") == []


def test_lines_as_text_join_table_cells_with_bars():
    assert text_of(["Dear all,", Table([["Name", "Email"], ["Jane", "j@x.org"]])]) == (
        "Dear all,\nName | Email\nJane | j@x.org"
    )
