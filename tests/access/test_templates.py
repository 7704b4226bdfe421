"""The access mails' templates: in all seven languages, free of English, escaping
untrusted text; the instructions' Markdown rendered safely to HTML and to text; the
``[access]`` section validated like the rest of an event file."""

import pytest

from bot.access.instructions import render_markdown
from bot.errors import ConfigError
from bot.policy.events import load_event_file
from bot.vocab import Template
from tests.access.conftest import SLUG, access_section
from tests.conftest import ROOT
from tests.notify.test_templates import FOREIGN, LANGUAGES, english_in, make_writer

ACCESS_MAILS = [Template.ACCESS, Template.ACCESS_CANCELLED]


@pytest.mark.parametrize("language", FOREIGN)
@pytest.mark.parametrize("name", ACCESS_MAILS)
def test_no_english_in_an_access_mail_in_another_language(writer, sample, name, language):
    assert writer.language_for(name, language) == language
    assert english_in(writer, name, language, sample) == []
    bare = writer.sample_contexts()[1]  # no sessions, no link, no instructions
    assert english_in(writer, name, language, bare) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_access_mail_has_subject_text_and_html(writer, sample, language):
    for name in ACCESS_MAILS:
        text, html, subject = writer.render(name, language, sample)
        assert subject and sample["event"]["name"] in subject
        assert sample["participant"]["name"] in text and html
    text = writer.render(Template.ACCESS, language, sample)[0]
    assert sample["access_url"] in text
    assert "09:00–12:00 (America/Toronto) · 13:00–16:00 UTC" in text
    assert "01:00–03:30 UTC (" in text  # the UTC day is named when it differs


@pytest.mark.parametrize("language", LANGUAGES)
def test_untrusted_text_is_escaped_in_the_access_mails(writer, sample, language):
    evil = "<script>x</script>"
    participant = {**sample["participant"], "name": evil, "organization": evil}
    context = {**sample, "participant": participant, "access_url": 'https://x.example/?a=1&b="2'}
    for name in ACCESS_MAILS:
        html = writer.render(name, language, context)[1]
        assert "<script>" not in html and "&lt;script&gt;" in html
    html = writer.render(Template.ACCESS, language, context)[1]
    assert 'href="https://x.example/?a=1&amp;b=&#34;2"' in html


def test_markdown_is_rendered_without_raw_html_or_unsafe_links():
    rendered = render_markdown(
        "# Joining\n\nOpen [the room](https://meet.cbd.int/r) early.\n\n"
        "1. **Mute** first\n2. then <b onclick='x()'>talk</b>\n\n"
        "[click](javascript:alert(1))\n\n```\ncode\n```\n\nMail <secretariat@cbd.int>\n"
    )
    html, text = rendered.html, rendered.text
    assert '<a href="https://meet.cbd.int/r">the room</a>' in html
    assert "<li><strong>Mute</strong> first</li>" in html
    assert "<b onclick" not in html and "&lt;b onclick=" in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert text.splitlines()[:3] == ["Joining", "", "Open the room <https://meet.cbd.int/r> early."]
    assert "1. Mute first\n2. then <b onclick='x()'>talk</b>" in text
    assert "\ncode\n" in text and "Mail secretariat@cbd.int" in text
    assert "**" not in text and "#" not in text


def _event_file(tmp_path, section: str):
    """The project's cb-forum-2025 event file with ``section`` appended."""
    path = tmp_path / "events" / f"{SLUG}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    base = (ROOT / "rules" / "events" / f"{SLUG}.toml").read_text(encoding="utf-8")
    path.write_text(base + section, encoding="utf-8")
    return path


def test_sessions_are_read_in_the_events_time_zone(tmp_path):
    event = load_event_file(_event_file(tmp_path, access_section()))
    assert event.access is not None
    assert [s.starts.hour for s in event.access.sessions] == [9, 21]
    assert event.access.sessions[0].starts.tzinfo is None  # local: the zone is the event's


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        (
            "sessions = [{ starts = 2025-07-14T09:00:00, ends = 2025-07-14T08:00:00 }]",
            r"cb-forum-2025\.toml:\d+: access\.sessions\.0: ends: not after starts",
        ),
        (
            "sessions = [{ starts = 2025-07-14T09:00:00-04:00, ends = 2025-07-14T12:00:00 }]",
            r"access\.sessions\.0: write local times without offset",
        ),
        (
            "sessions = [{ starts = 2025-07-14T09:00:00, end = 2025-07-14T12:00:00 }]",
            r"access\.sessions\.0\.ends: missing",
        ),
    ],
)
def test_a_bad_session_is_named(tmp_path, sessions, message):
    section = f'\n[access]\nurl = "https://meet.cbd.int/x"\n{sessions}\n'
    with pytest.raises(ConfigError, match=message):
        load_event_file(_event_file(tmp_path, section))


@pytest.fixture(scope="module")
def writer():
    return make_writer()


@pytest.fixture(scope="module")
def sample(writer):
    return writer.sample_contexts()[0]
