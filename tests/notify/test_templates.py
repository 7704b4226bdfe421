"""The mail templates as shipped: every language complete and free of English, overridable
file by file, checked at start-up, and carried in the wheel."""

import html
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import bot.notify.writer as writer_module
from bot.config import Config
from bot.errors import ConfigError
from bot.notify.writer import REASONS, MailWriter, packaged_templates
from bot.vocab import REPLY_TEMPLATES, ReasonCode, Template
from tests.conftest import ROOT

PACKAGED = ROOT / "templates"
LANGUAGES = sorted(p.name for p in PACKAGED.iterdir() if (p / "_reasons.txt.j2").is_file())
FOREIGN = [language for language in LANGUAGES if language != "en"]
MAILS = [*REPLY_TEMPLATES, Template.PARTICIPANT_REGISTERED, Template.BOUNCE_NOTICE]
ACTIONS = ("accept", "reject", "withdraw")
# Runs of English that no other language's mail has any business containing.
ENGLISH_WORDS = (
    "the", "of the", "has been", "have been", "please", "your", "our", "we", "with", "from",
    "is", "are", "was", "were", "will", "this", "that", "and", "for the", "could not",
    "to the", "not", "which", "been", "address", "could", "would", "should", "received",
)  # fmt: skip


def make_writer(override: Path | None = None) -> MailWriter:
    return MailWriter(override, "Nominations <nominations@cbd.int>", None, "cbd.int")


@pytest.fixture(scope="module")
def writer() -> MailWriter:
    return make_writer()


@pytest.fixture(scope="module")
def sample(writer) -> dict:
    """The check's full sample, with every reason code and every problem code."""
    return writer.sample_contexts()[0]


def data_values(value) -> set[str]:
    """Every string in a context: names, addresses, the event's name, reasons' values."""
    if isinstance(value, str):
        return {value, value.rstrip(". ")} if len(value) >= 4 else set()  # as decision quotes it
    if isinstance(value, dict):
        return set().union(*(data_values(v) for v in value.values()), set())
    if isinstance(value, list | tuple):
        return set().union(*(data_values(v) for v in value), set())
    return set()


def static_text(text: str, values: set[str]) -> str:
    """The words the template itself wrote: markup and the context's values taken out."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, " ¤ ")
    return text


def english_fragments(text: str) -> set[str]:
    """The English template's own phrases of three words or more."""
    pieces = re.split(r"[.;:!?()\n¤«»“”—–\-,/]+", text)
    return {
        " ".join(piece.split()).lower()
        for piece in pieces
        if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3
    }


def english_runs(text: str) -> list[str]:
    words = " " + " ".join(re.sub(r"[^\w]+", " ", text.lower()).split()) + " "
    return [w for w in ENGLISH_WORDS if f" {w} " in words]


def renderings(writer: MailWriter, name: str, language: str, context: dict) -> list[str]:
    parts = []
    for action in ACTIONS if name == Template.DECISION else ACTIONS[:1]:
        parts.extend(p for p in writer.render(name, language, {**context, "action": action}) if p)
    return parts


def test_the_sample_holds_every_code(sample):
    assert {r["code"] for r in sample["reasons"]} == {str(c) for c in ReasonCode}
    assert {p["code"] for p in sample["problems"]} == {
        "unreadable_attachment",
        "no_text_layer",
        "attachment_too_large",
        "attachment_truncated",
    }


def test_the_packaged_templates_pass_the_check(writer):
    assert writer.languages() == LANGUAGES
    writer.check()


def english_in(writer: MailWriter, name: str, language: str, context: dict) -> list[str]:
    """English sentences of the English mail, or runs of English words, in another one."""
    values = data_values(context)
    english = static_text("\n".join(renderings(writer, name, "en", context)), values)
    foreign = static_text("\n".join(renderings(writer, name, language, context)), values)
    assert foreign.strip()
    flat = " ".join(foreign.lower().split())
    return [f for f in english_fragments(english) if f in flat] + english_runs(foreign)


@pytest.mark.parametrize("language", FOREIGN)
@pytest.mark.parametrize("name", [*MAILS, Template.DECISION])
def test_no_english_in_a_mail_in_another_language(writer, sample, name, language):
    assert writer.language_for(name, language) == language  # every mail exists in it
    assert english_in(writer, name, language, sample) == []


def test_the_english_finder_finds_english(tmp_path, sample):
    (tmp_path / "fr").mkdir()
    late = (PACKAGED / "fr" / "late.txt.j2").read_text()
    leak = "The Secretariat will decide on the following nominee(s) and will inform you:"
    (tmp_path / "fr" / "late.txt.j2").write_text(late + leak + "\nMerci, please.\n")
    found = english_in(make_writer(tmp_path), "late", "fr", sample)
    assert "the secretariat will decide on the following nominee" in found
    assert "please" in found and "will" in found


@pytest.mark.parametrize("language", LANGUAGES)
def test_untrusted_text_is_escaped_in_every_html_mail(writer, sample, language):
    evil = "<script>x</script>"
    people = [{**sample["participant"], "name": evil, "organization": evil}]
    reasons = [
        {"code": "role_not_nominating", "roles": evil, "nominating_roles": evil},
        {"code": "fallback_blocked", "role": evil, "country": evil, "blocking_roles": evil},
        {"code": "over_quota", "country": evil, "limit": "2", "already": "1", "more": evil},
    ]
    context = {
        **sample,
        **{k: people for k in ("confirmed", "pending", "over_quota", "duplicates")},
        "sender_name": evil,
        "nominator": evil,
        "participant": people[0],
        "missing": [evil],
        "withdrawn": [evil],
        "not_found": [evil],
        "problems": [{"code": "no_text_layer", "file": evil}],
        "reasons": reasons,
    }
    for name in MAILS:
        _, html_part, _ = writer.render(name, language, context)
        if html_part:
            assert "<script>" not in html_part and "&lt;script&gt;" in html_part, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reason_and_problem_has_a_sentence(writer, sample, language):
    values = data_values(sample)
    for reason in sample["reasons"]:
        text = writer.describe_reason(reason, language)
        assert text and text != reason["code"] and "{" not in text
        if language != "en":
            assert "detail" not in reason or reason["detail"] not in text
            assert not english_runs(static_text(text, values)), (reason["code"], text)
    for problem in sample["problems"]:
        text = writer._phrase("problem", problem, language)
        assert problem["file"] in text and text != problem["code"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_who_may_nominate_comes_from_the_event(writer, sample, language):
    event = {**sample["event"], "nominating_roles": ["IPLC"], "fallback_roles": []}
    only = writer.render("unauthorized", language, {**sample, "event": event, "reasons": []})[0]
    full = writer.render("unauthorized", language, {**sample, "reasons": []})[0]
    iplc, head = (writer.role_labels([code], language)[0] for code in ("IPLC", "ORG-HEAD"))
    assert iplc in only and head not in only
    assert iplc in full and head in full
    fallback = writer.role_labels(["CBD-FP1"], language)[0]
    assert fallback in full and fallback not in only


def test_role_labels_are_data_with_the_code_as_fallback(writer):
    assert writer.role_labels("CPB-FP1, CPB-FP2", "fr") == [
        "les correspondants nationaux du Protocole de Cartagena sur la prévention des risques "
        "biotechnologiques"
    ]  # two codes, one label: named once
    assert writer.role_labels(["XYZ-FP9"], "es") == ["XYZ-FP9"]
    for language in LANGUAGES:
        assert set(writer.roles[language]) == set(writer.roles["en"]), language


def test_language_order_is_message_then_directory_then_event_then_english(writer):
    assert writer.language_for("confirmation", "fr", "es") == "fr"
    assert writer.language_for("confirmation", None, "es", "fr") == "es"
    assert writer.language_for("confirmation", "de", None, "fr") == "fr"
    assert writer.language_for("confirmation", "de", "../en") == "en"
    assert writer.language_for("digest", "fr") == "fr"  # the secretariat's language
    assert writer.language_for("digest", "de") == "en"


# -- the override folder -----------------------------------------------------------------


def test_an_override_file_wins_and_the_packaged_one_fills_in(tmp_path, sample):
    (tmp_path / "en").mkdir()
    (tmp_path / "de").mkdir()
    (tmp_path / "fr").mkdir()
    (tmp_path / "en" / "confirmation.txt.j2").write_text("Our own words for {{ event.name }}.\n")
    (tmp_path / "de" / "confirmation.txt.j2").write_text("Vielen Dank, {{ sender_name }}.\n")
    (tmp_path / "fr" / "roles.toml").write_text('IPLC = "les peuples autochtones"\n')
    writer = make_writer(tmp_path)

    text, html_part, _ = writer.render("confirmation", "en", sample)
    assert text == f"Our own words for {sample['event']['name']}.\n"
    assert html_part and "Thank you for your nomination" in html_part  # not overridden
    assert "after the deadline" in writer.render("late", "en", sample)[0]
    assert writer.language_for("confirmation", "de") == "de"
    assert writer.language_for("late", "de") == "en"
    assert writer.role_labels(["IPLC", "ORG-HEAD"], "fr") == [
        "les peuples autochtones",
        "les responsables des organisations compétentes",
    ]
    writer.check()


def test_templates_dir_is_optional_and_must_be_a_folder(tmp_path):
    assert Config(base_dir=tmp_path).templates_path is None
    assert Config(base_dir=tmp_path, templates_dir="mine").templates_path == tmp_path / "mine"
    assert make_writer(None).roots == [packaged_templates()]
    (tmp_path / "file.txt").write_text("")
    with pytest.raises(ConfigError, match=r"^templates_dir: .*file\.txt is not a folder$"):
        make_writer(tmp_path / "file.txt")
    with pytest.raises(ConfigError, match="is not a folder"):
        make_writer(tmp_path / "missing")


# -- the start-up check --------------------------------------------------------------------


def broken(tmp_path: Path, relative: str, text: str) -> MailWriter:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return make_writer(tmp_path)


def one_line_error(writer: MailWriter) -> str:
    with pytest.raises(ConfigError) as caught:
        writer.check()
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    writer = broken(tmp_path, "fr/late.txt.j2", "{{ sender_name }},\n\n{% if %}\n")
    message = one_line_error(writer)
    assert message.startswith(f"{tmp_path}/fr/late.txt.j2:3: ")


def test_an_undefined_variable_names_the_file_and_line(tmp_path):
    text = "{{ sender_name }},\n\n{% for p in pending %}\n{{ p.nom }}\n{% endfor %}\n"
    message = one_line_error(broken(tmp_path / "a", "es/late.txt.j2", text))
    assert message.startswith(f"{tmp_path}/a/es/late.txt.j2:4: ")
    assert "nom" in message
    writer = broken(tmp_path / "b", "fr/decision.subject.j2", "{{ evnt.name }}\n")
    message = one_line_error(writer)
    assert message == f"{tmp_path}/b/fr/decision.subject.j2:1: 'evnt' is undefined"


def test_a_fault_in_a_reason_sentence_names_its_file(tmp_path):
    source = (PACKAGED / "fr" / REASONS).read_text()
    target = '{%- elif r.code == "late" %}'
    assert target in source
    text = source.replace(target, target + "{{ r.recu }}")
    line = text[: text.index("r.recu")].count("\n") + 1
    message = one_line_error(broken(tmp_path, f"fr/{REASONS}", text))
    assert message.startswith(f"{tmp_path}/fr/{REASONS}:{line}: ")


def test_a_reason_without_a_sentence_is_reported(tmp_path):
    source = (PACKAGED / "es" / REASONS).read_text()
    text = re.sub(r'\{%- elif r\.code == "reopened" %\}.*\n', "", source)
    assert text != source
    message = one_line_error(broken(tmp_path, f"es/{REASONS}", text))
    assert message == f"{tmp_path}/es/{REASONS}: no sentence for the reason 'reopened'"


def test_a_broken_packaged_template_is_named_as_in_the_repository(tmp_path, monkeypatch):
    copy = tmp_path / "templates"
    shutil.copytree(PACKAGED, copy)
    late = copy / "fr" / "late.txt.j2"
    lines = late.read_text().splitlines(keepends=True)
    lines.insert(6, "{{ event.lieu }}\n")
    late.write_text("".join(lines))
    monkeypatch.setattr(writer_module, "packaged_templates", lambda: copy)
    message = one_line_error(make_writer())
    assert message.startswith("templates/fr/late.txt.j2:7: ")


def test_bad_role_labels_stop_the_writer(tmp_path):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "roles.toml").write_text("[IPLC\n")
    with pytest.raises(ConfigError, match=r"fr/roles\.toml: "):
        make_writer(tmp_path)


# -- the wheel -----------------------------------------------------------------------------


def test_the_wheel_carries_the_templates_and_the_migrations(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("nomination_bot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "nombot = bot.cli:main" in archive.read(entry_points).decode()
    expected = {
        "bot/templates/en/confirmation.txt.j2",
        "bot/templates/_layout.html.j2",
        "bot/templates/sample-context.toml",
        "bot/store/migrations/env.py",
        "bot/store/migrations/script.py.mako",
        "bot/store/migrations/versions/0001_initial_schema.py",
    }
    for language in LANGUAGES:
        expected |= {f"bot/templates/{language}/{REASONS}", f"bot/templates/{language}/roles.toml"}
    assert expected <= names
    migrations = ROOT / "bot" / "store" / "migrations"
    sources = {p.relative_to(ROOT).as_posix() for p in migrations.rglob("*") if p.is_file()}
    assert {m for m in sources if m.endswith((".py", ".mako")) and "__pycache__" not in m} <= names
    # Installed, the writer finds its templates inside the package and they pass the check.
    script = (
        "from bot.notify.writer import MailWriter, packaged_templates; "
        "print(packaged_templates()); "
        "MailWriter(None, 'n@cbd.int', None, 'cbd.int').check()"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == str(tmp_path / "site" / "bot" / "templates")
