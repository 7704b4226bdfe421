"""Mail the bot writes: threading, safe headers, escaping, languages."""

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.notify.writer import MailWriter, Original, reply_subject
from bot.staff.digest import Digest, EventDigest
from bot.staff.health import no_health
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"


@pytest.fixture
def writer() -> MailWriter:
    return MailWriter(
        None, "CBD Secretariat <nominations@cbd.int>", "secretariat@cbd.int", "cbd.int"
    )


def context(**extra) -> dict:
    person = {
        "name": "Jane Mwangi",
        "email": "jane@kephis.go.ke",
        "organization": "KEPHIS",
        "title": "Dr.",
        "status": "confirmed",
        "flags": [],
    }
    base = dict(
        sender_name="Samuel Kiprono",
        government="KE",
        event={
            "name": "Online Forum",
            "slug": "cb-forum-2025",
            "starts": date(2025, 7, 14),
            "ends": date(2025, 7, 18),
            "timezone": "America/Toronto",
            "references": [],
            "deadline": datetime(2025, 7, 12, 3, 59, 59, tzinfo=UTC),
            "nominating_roles": ["CPB-FP1", "CPB-FP2", "ORG-HEAD", "IPLC"],
            "fallback_roles": ["CBD-FP1", "CBD-FP2"],
            "fallback_blocked_by": ["CPB-FP1", "CPB-FP2"],
        },
        confirmed=[person],
        pending=[person],
        over_quota=[],
        duplicates=[],
        withdrawn=[],
        not_found=[],
        missing=[],
        problems=[{"code": "no_text_layer", "file": "scan.pdf"}],
        reasons=[{"code": "not_in_directory"}],
        reason="",
        staff_message="Please ask your focal point to confirm the nomination.",
        secretariat="secretariat@cbd.int",
        help=False,
        results=[
            {
                "line": "REJECT 12 duplicate",
                "action": "reject",
                "status": "done",
                "target": "12",
                "participant": {"id": 12, **person, "event": "cb-forum-2025"},
            },
            {"line": "ACCEPT 99", "action": "accept", "status": "unknown", "target": "99"},
        ],
        received=datetime(2025, 7, 9, tzinfo=UTC),
        participant=person,
        nominator="S. Kiprono",
        recipient_name=None,
        action="accept",
        # access mails (bot/access/mail.py): no link, no instructions, no sessions
        access_url=None,
        own_link=False,
        instructions_text=None,
        instructions_html=None,
        sessions=[],
    )
    return {**base, **extra}


def parsed(rendered):
    return message_from_bytes(rendered.data, policy=policy.default)


def test_a_reply_is_threaded_and_marked(writer):
    references = tuple(f"<ref{n}@x.org>" for n in range(15))
    rendered = writer.compose(
        to="s.kiprono@environment.go.ke",
        to_name="Samuel Kiprono",
        name="confirmation",
        languages=("en",),
        context=context(),
        original=Original("<orig@environment.go.ke>", "Nomination", references),
    )
    message = parsed(rendered)
    assert message["Subject"] == "Re: Nomination"
    assert message["In-Reply-To"] == "<orig@environment.go.ke>"
    chain = message["References"].split()
    assert len(chain) == 10 and chain[-1] == "<orig@environment.go.ke>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["Message-ID"].endswith("@cbd.int>")
    assert message["X-Nombot-Loop"] == "cbd.int"
    assert all(len(line) <= 998 for line in rendered.data.split(b"\r\n"))
    long_subject = Original("<x@y>", "Nomination " + "very long subject words " * 6)
    folded = writer.compose(
        to="a@b.org",
        to_name=None,
        name="confirmation",
        languages=("en",),
        context=context(),
        original=long_subject,
    )
    assert parsed(folded)["Subject"] == reply_subject(long_subject.subject)


def test_untrusted_text_never_breaks_a_header(writer):
    rendered = writer.compose(
        to="x@example.org",
        to_name='Eve\r\nBcc: victim@example.org "quoted"',
        name="confirmation",
        languages=("en",),
        context=context(),
        original=Original("<a@b>", "Nomination\r\nBcc: victim@example.org"),
    )
    head = rendered.data.split(b"\r\n\r\n", 1)[0].decode()
    assert "\nBcc:" not in head and "\rBcc:" not in head
    assert parsed(rendered)["Bcc"] is None


def test_names_are_escaped_in_html(writer):
    evil = {
        "name": "<script>alert(1)</script>",
        "email": "x@example.org",
        "organization": None,
        "title": None,
        "status": "confirmed",
        "flags": [],
    }
    rendered = writer.compose(
        to="a@b.org",
        to_name=None,
        name="confirmation",
        languages=("en",),
        context=context(confirmed=[evil]),
    )
    html = parsed(rendered).get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_language_follows_the_sender_then_falls_back(writer):
    french = parsed(
        writer.compose(
            to="a@b.org", to_name=None, name="confirmation", languages=("fr",), context=context()
        )
    )
    assert french["Content-Language"] == "fr"
    assert "Convention sur la diversité biologique" in french.get_body(("plain",)).get_content()
    german = parsed(
        writer.compose(
            to="a@b.org",
            to_name=None,
            name="confirmation",
            languages=("de", None, "es"),
            context=context(),
        )
    )
    assert german["Content-Language"] == "es"
    assert writer.language_for("confirmation", "de") == "en"
    assert writer.language_for("confirmation", "zh") == "zh"


LANGUAGES = sorted(p.name for p in TEMPLATES.iterdir() if (p / "_reasons.txt.j2").is_file())


def staff_digest() -> Digest:
    """A digest with something in every section."""
    event = EventDigest(
        slug="cb-forum-2025",
        name="Online Forum on Capacity-building for Biosafety",
        deadline=datetime(2025, 7, 11, 23, 59, tzinfo=ZoneInfo("America/Toronto")),
        statuses={"confirmed": 5, "pending": 1},
        new_participants=6,
        nominated=2,
        not_nominated=[{"country": "BR", "nominators": ["cpb@mma.gov.br"]}],
        by_government=[{"country": "PE", "count": 2}],
        by_organization=[{"organization": "INIA", "count": 1}],
        access={"configured": True, "published_at": None, "sent": 0, "waiting": 5, "cancelled": 0},
    )
    health = no_health()
    down = datetime(2025, 7, 12, tzinfo=UTC)
    health["inboxes_failing"] = [{"mailbox": "imap://x", "error": "refused", "failing_since": down}]
    health["directory"] = {
        "outcome": "failed", "at": datetime(2025, 7, 12, tzinfo=UTC), "entries": 0,
        "added": 0, "removed": 0, "error": "HTTP 503 Service Unavailable",
    }  # fmt: skip
    return Digest(
        day=date(2025, 7, 12),
        since=datetime(2025, 7, 11, tzinfo=UTC),
        outcomes={"accepted": 3, "late": 1},
        events=[event],
        unverified=2,
        pending=[
            {
                "id": 7,
                "event": "cb-forum-2025",
                "name": "Carmen Tello",
                "email": "ctello@inia.gob.pe",
                "government": "PE",
                "nominated_by": "rquispe@minam.gob.pe",
                "flags": ["late"],
                "reasons": [
                    {
                        "code": "late",
                        "received": "2025-07-12 10:05",
                        "deadline": "2025-07-11 23:59",
                        "timezone": "America/Toronto",
                    },
                    "received after the deadline",  # a row written before reasons had codes
                ],
            }
        ],
        health=health,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "name",
    sorted({p.name.split(".")[0] for p in (TEMPLATES / "en").glob("*.txt.j2")} - {"_reasons"}),
)
def test_every_template_renders_in_every_language(writer, language, name):
    staff = staff_digest()
    for action in ("accept", "reject", "withdraw"):
        chosen = writer.language_for(name, language)
        assert chosen == language  # every mail exists in every language
        text, html, subject = writer.render(
            name, chosen, {**context(action=action), **staff.context()}
        )
        assert text.strip()
        assert "{{" not in text and "{%" not in text
        if (Path(TEMPLATES / chosen / f"{name}.html.j2")).exists():
            assert html and "<html" in html


def test_reply_subject_is_not_prefixed_twice():
    assert reply_subject("RE: Nomination") == "RE: Nomination"
    assert reply_subject("Réf: Désignation") == "Réf: Désignation"
    assert reply_subject("") == "Re: your message"


def test_reasons_and_role_labels_are_escaped_in_html(writer):
    evil = "<b>X</b>"
    reasons = [{"code": "role_not_nominating", "roles": evil, "nominating_roles": "CPB-FP1"}]
    rendered = writer.compose(
        to="a@b.org",
        to_name=None,
        name="unauthorized",
        languages=("fr",),
        context=context(reasons=reasons),
    )
    message = parsed(rendered)
    html = message.get_body(("html",)).get_content()
    assert "<b>X" not in html and "&lt;b&gt;X&lt;/b&gt;" in html
    assert evil in message.get_body(("plain",)).get_content()  # plain text stays as written


def test_the_digest_words_reasons_in_english(writer):
    staff = Digest(
        day=date(2025, 7, 12),
        since=datetime(2025, 7, 11, tzinfo=UTC),
        pending=[
            {
                "id": 3,
                "event": "cb-forum-2025",
                "name": "Carmen Tello",
                "email": "ctello@inia.gob.pe",
                "government": "PE",
                "nominated_by": None,
                "flags": ["over_quota"],
                "reasons": [
                    {
                        "code": "over_quota",
                        "country": "PE",
                        "limit": "2",
                        "already": "2",
                        "more": "1",
                    }
                ],
            }
        ],
    )
    text, _, _ = writer.render("digest", "en", staff.context())
    assert "limited to 2 (Peru" in text
    assert writer.describe_reason({"code": "reply_cap", "cap": "10"}, "en").startswith("The sender")
