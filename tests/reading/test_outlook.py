"""Outlook .msg attachments: read as a forwarded message, its attachments one level down,
within the attachment and nesting limits."""

from bot.config import LimitsConfig
from bot.message.parse import Attachment
from bot.reading import Table
from bot.reading.attachments import read_attachment
from bot.reading.zones import split_zones
from bot.vocab import Warning, WarningCode
from tests.conftest import DATA

LIMITS = LimitsConfig()
MSG = DATA / "attachments" / "forwarded.msg"
DRAFT = DATA / "attachments" / "draft.msg"


def fixture(content_type: str = "application/vnd.ms-outlook") -> Attachment:
    return Attachment("forwarded.msg", content_type, MSG.read_bytes())


def test_an_outlook_message_reads_as_a_forward_with_its_attachments_one_level_down():
    content = read_attachment(fixture(), LIMITS)
    header = [
        "---------- Forwarded message ---------",
        "From: Ibrahima Sarr <i.sarr@environnement.gouv.sn>",
        "Date: Fri, 04 Jul 2025 09:30:00 +0000",
        "To: Secrétariat CBD <secretariat@cbd.int>",
        'Cc: "Diop, Awa" <awa.diop@environnement.gouv.sn>',
        "Subject: Désignation des participants – atelier régional",
    ]
    assert content.lines == [
        *header,
        "Madame, Monsieur,",
        "Le Sénégal désigne les personnes suivantes pour l'atelier régional :",
        "1. Dr Fatou Ba, DEEC, fatou.ba@environnement.gouv.sn",
        "2. M. Cheikh Fall, ISRA, cheikh.fall@isra.sn",
        "Une troisième participante figure dans la liste jointe.",
        "Cordialement,",
        "Ibrahima Sarr",
        *header,  # liste.csv, under the message's header (image001.png is a small logo)
        Table([["Nom", "Institution", "Courriel"], ["Mme Aminata Sy", "CSE", "aminata.sy@cse.sn"]]),
        "---------- Forwarded message ---------",  # the reply attached to it
        "From: Khady Diallo <khady.diallo@ucad.edu.sn>",
        "To: Ibrahima Sarr <i.sarr@environnement.gouv.sn>",
        "Subject: RE: atelier régional",
        "Je confirme ma disponibilité.",
        "Khady Diallo",
    ]
    assert content.warnings == [
        Warning(
            WarningCode.ATTACHMENT_SKIPPED,
            "forwarded.msg: attachments of an attached message",
            "forwarded.msg",
        )
    ]


def test_an_outlook_message_reads_no_more_attachments_than_the_limit():
    content = read_attachment(fixture("application/octet-stream"), LimitsConfig(max_attachments=1))
    assert content.warnings == [
        Warning(
            WarningCode.ATTACHMENT_SKIPPED,
            "forwarded.msg: 2 attachments past the limit of 1",
            "forwarded.msg",
        )
    ]
    assert content.lines[-1] == Table(
        [["Nom", "Institution", "Courriel"], ["Mme Aminata Sy", "CSE", "aminata.sy@cse.sn"]]
    )


def test_an_outlook_message_is_not_opened_when_no_nesting_is_allowed():
    content = read_attachment(fixture("application/octet-stream"), LimitsConfig(max_nesting=0))
    assert content.lines == []
    assert [str(w) for w in content.warnings] == [
        "attachment_skipped: forwarded.msg: nested too deep"
    ]


def test_the_zone_reader_takes_the_message_as_a_forward_with_its_correspondents():
    segments = split_zones(read_attachment(fixture(), LIMITS).lines)
    assert [s.zone for s in segments] == [
        "forward_header",
        "forwarded",
        "signature",
        "forward_header",
        "forwarded",
        "forward_header",
        "forwarded",
    ]
    assert segments[0].header == {
        "from": "Ibrahima Sarr <i.sarr@environnement.gouv.sn>",
        "to": "Secrétariat CBD <secretariat@cbd.int>",
        "cc": '"Diop, Awa" <awa.diop@environnement.gouv.sn>',
        "subject": "Désignation des participants – atelier régional",
    }
    assert segments[2].lines == ["Cordialement,", "Ibrahima Sarr"]


def test_a_draft_without_sender_or_recipients_still_has_a_header_block():
    draft = Attachment("draft.msg", "application/vnd.ms-outlook", DRAFT.read_bytes())
    lines = read_attachment(draft, LIMITS).lines
    assert lines == [
        "---------- Forwarded message ---------",
        "From:",
        "To:",
        "Subject:",
        "Liste des participants :",
        "Dr Fatou Ba, fatou.ba@environnement.gouv.sn",
    ]
    assert [s.zone for s in split_zones(lines)] == ["forward_header", "forwarded"]


def test_an_attached_message_found_by_its_content_type_is_read():
    attachment = Attachment("attachment", "application/vnd.ms-outlook", MSG.read_bytes())
    assert read_attachment(attachment, LIMITS).lines[2] == "Date: Fri, 04 Jul 2025 09:30:00 +0000"
