"""What a secretariat hits on day one outside the decisions: directory imports that would
empty or gut the directory, CSV as French and Spanish spreadsheets save it, a deadline
written as a date, an inbox folder that is not there, and help texts shown as written."""

import re
import zipfile

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.access.links import read_links
from bot.cli import app
from bot.errors import ConfigError, UserError
from bot.policy.events import load_events
from bot.store.db import open_database
from bot.store.directory import read_csv
from bot.store.models import FocalPoint
from tests.conftest import DATA, ROOT, Bot, bot_env, write_config

DIRECTORY = DATA / "directory" / "focal-points.csv"
EVENT = "cb-forum-2025.toml"


def _one_line_error(result, *expected: str) -> str:
    assert result.returncode != 0, result.stdout
    error = result.stderr.strip()
    assert error.startswith("nombot: error: ") and "\n" not in error, result.stderr
    for text in expected:
        assert text in error, error
    return error


def _focal_points(database_url: str) -> int:
    with Session(open_database(database_url)) as session:
        return session.exec(select(func.count()).select_from(FocalPoint)).one()


def test_an_empty_or_gutting_directory_import_changes_nothing_unless_forced(
    maildir_bot, database_url, tmp_path
):
    bot = maildir_bot
    assert _focal_points(database_url) == 9
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = tmp_path / "header.csv"
    header_only.write_text("country,role,name,email,organization,language\n")
    for file in (empty, header_only):
        result = bot.run("directory", "import", str(file), check=False)
        _one_line_error(result, "no focal points in the file", "left as it is", "--force")
        assert _focal_points(database_url) == 9

    lines = DIRECTORY.read_text(encoding="utf-8").splitlines()
    seven = tmp_path / "seven.csv"  # removes 2 of 9 (22%), more than the default 0.2
    seven.write_text("\n".join(lines[:8]) + "\n", encoding="utf-8")
    result = bot.run("directory", "import", str(seven), check=False)
    _one_line_error(result, "it would remove 2 of the 9 focal points", "max_removed_share")
    assert _focal_points(database_url) == 9
    forced = bot.run("directory", "import", str(seven), "--force").stdout
    assert "7 entries: 0 added, 2 removed" in forced and _focal_points(database_url) == 7
    bot.run("directory", "import", str(empty), "--force")
    assert _focal_points(database_url) == 0


def test_the_share_comes_from_the_configuration(tmp_path, database_url, rules_dir):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules_dir), "templates_dir": str(ROOT / "templates")},
            "database": {"url": database_url},
            "directory": {"max_removed_share": 0.5},
        },
    )
    bot = Bot(config, bot_env())
    bot.run("directory", "import", str(DIRECTORY))
    lines = DIRECTORY.read_text(encoding="utf-8").splitlines()
    six = tmp_path / "six.csv"  # removes 3 of 9 (33%): within 0.5
    six.write_text("\n".join(lines[:7]) + "\n", encoding="utf-8")
    bot.run("directory", "import", str(six))
    assert _focal_points(database_url) == 6


def _spreadsheet_csv(delimiter: str) -> str:
    """The test directory without its two quoted lines, Senegal's focal point accented."""
    lines = DIRECTORY.read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines if '"' not in line]
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return text.replace("Aminata Ndiaye", "Aminata Ndiaye Sène")


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [
        (";", "cp1252", b""),
        (";", "utf-8", b"\xef\xbb\xbf"),
        ("\t", "utf-8", b""),
        (",", "latin-1", b""),
    ],
)
def test_directory_csv_in_every_delimiter_and_encoding(tmp_path, delimiter, encoding, bom):
    path = tmp_path / "directory.csv"
    path.write_bytes(bom + _spreadsheet_csv(delimiter).encode(encoding))
    entries = read_csv(path)
    assert len(entries) == 7
    assert "Aminata Ndiaye Sène" in {e.name for e in entries}


def test_a_spreadsheet_saved_by_a_french_excel_imports(maildir_bot, database_url, tmp_path):
    path = tmp_path / "points-focaux.csv"
    text = "sep=;\r\n" + DIRECTORY.read_text(encoding="utf-8").replace(",", ";")
    text = text.replace('"Ministry of Environment; Climate Change and Forestry"', "Ministère")
    path.write_bytes(text.replace("Aminata Ndiaye", "Aminata Ndiaye Sène").encode("cp1252"))
    out = maildir_bot.run("directory", "import", str(path)).stdout
    assert "9 entries: 0 added, 0 removed, 3 changed" in out
    with Session(open_database(database_url)) as session:
        names = {p.name for p in session.exec(select(FocalPoint)).all()}
    assert "Aminata Ndiaye Sène" in names


def test_a_file_that_is_not_csv_says_why_in_one_line(maildir_bot, database_url, tmp_path):
    workbook = tmp_path / "directory.csv"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    result = maildir_bot.run("directory", "import", str(workbook), check=False)
    _one_line_error(result, "XLSX/ODS workbook", "not CSV text", "save it as CSV")
    assert _focal_points(database_url) == 9
    missing = tmp_path / "columns.csv"
    missing.write_text("pays;rôle;nom;courriel\nKE;CPB-FP1;X;x@example.org\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"missing column\(s\) country, role, name, email") as e:
        read_csv(missing)
    assert "semicolon-separated, utf-8" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(";", "cp1252", b""), ("\t", "utf-8", b"\xef\xbb\xbf"), (",", "latin-1", b"")],
)
def test_access_links_csv_in_every_delimiter_and_encoding(tmp_path, delimiter, encoding, bom):
    path = tmp_path / "links.csv"
    text = delimiter.join(("email", "url")) + "\r\n"
    text += delimiter.join(("josé.núñez@example.org", "https://x.example/1")) + "\r\n"
    path.write_bytes(bom + text.encode(encoding))
    [link] = read_links(path)
    assert (link.email, link.url, link.line) == ("josé.núñez@example.org", "https://x.example/1", 2)


def _deadline(rules_dir, value: str) -> None:
    path = rules_dir / "events" / EVENT
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^deadline = .*$", f"deadline = {value}", text), encoding="utf-8")


def test_a_deadline_written_as_a_date_is_the_end_of_that_day(rules_dir):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _deadline(rules_dir, "2025-07-10")
    [event] = load_events(rules_dir)
    toronto = ZoneInfo("America/Toronto")
    assert event.deadline_utc.isoformat() == "2025-07-11T03:59:59.999999+00:00"
    assert event.on_time(datetime(2025, 7, 10, 23, 59, 59, tzinfo=toronto))
    assert not event.on_time(datetime(2025, 7, 11, 0, 0, 0, tzinfo=toronto))
    assert event.on_time(datetime(2025, 7, 10, 0, 30, tzinfo=toronto))  # not 00:00

    _deadline(rules_dir, '"next Friday"')
    with pytest.raises(ConfigError) as error:
        load_events(rules_dir)
    assert ":7: event.deadline: Input should be a valid datetime" in str(error.value)
    assert "a date alone (2025-07-11, meaning the end of that day" in str(error.value)
    _deadline(rules_dir, "2025-07-10T17:00:00-04:00")
    with pytest.raises(ConfigError, match=r":7: event.deadline: has an offset; write a local"):
        load_events(rules_dir)


def test_the_rules_document_the_date_deadline():
    text = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    assert "deadline = 2025-07-11 " in text and "23:59:59.999999" in text


def test_appending_into_a_missing_folder_is_one_line(tmp_path, mailbox):
    def bot_with_inbox(url: str, password: str | None = None) -> Bot:
        config = write_config(
            tmp_path / "config.toml",
            {
                "": {"rules_dir": str(ROOT / "rules"), "templates_dir": str(ROOT / "templates")},
                "inbox": {"url": url, "timeout": 10},
                "database": {"url": f"sqlite:///{tmp_path / 'nombot.db'}"},
            },
        )
        return Bot(config, bot_env(password))

    mail = str(DATA / "e2e" / "kenya.eml")
    imap = bot_with_inbox(mailbox.url.replace("/INBOX", "/Nominations"), mailbox.password)
    result = imap.run("inbox", "append", mail, check=False)
    _one_line_error(result, "there is no folder 'Nominations'", "create it")

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("not mail")
    result = bot_with_inbox(f"maildir:{tmp_path / 'other'}").run(
        "inbox", "append", mail, check=False
    )
    _one_line_error(result, "is a folder but not a Maildir")
    (tmp_path / "file").write_text("")
    result = bot_with_inbox(f"maildir:{tmp_path / 'file' / 'inbox'}").run(
        "inbox", "append", mail, check=False
    )
    _one_line_error(result, "file is a file, not a folder")

    (tmp_path / "empty").mkdir()  # an empty folder becomes the Maildir
    bot_with_inbox(f"maildir:{tmp_path / 'empty'}").run("inbox", "append", mail)
    assert len(list((tmp_path / "empty" / "new").iterdir())) == 1


def _commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _help_texts(command) -> list[str]:
    texts = [command.help or ""]
    texts += [getattr(p, "help", None) or "" for p in command.params]
    return texts


def _every_command():
    import typer.main

    for path, command in _commands(typer.main.get_command(app)):
        yield pytest.param(path, command, id=" ".join(path) or "nombot")


def _help(*path: str):
    config = str(ROOT / "config.example.toml")
    return CliRunner().invoke(app, ["--config", config, *path, "--help"], env={"COLUMNS": "200"})


@pytest.mark.parametrize(("path", "command"), list(_every_command()))
def test_help_shows_square_brackets_as_written(path, command):
    wanted = {
        token.replace("\\[", "[")
        for text in _help_texts(command)
        for token in re.findall(r"\\?\[[^\]\s]+\]", text)
    }
    result = _help(*path)
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert [token for token in sorted(wanted) if token not in shown] == []


def test_digest_help_names_its_section():
    result = _help("digest")
    assert "Send it to [digest] to." in result.output
