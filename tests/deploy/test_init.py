"""`nombot init DIR`: a folder that runs as written, with its paths inside it, its secrets
file private and commented, and a refusal to write into a folder already in use."""

import stat
import tomllib
from pathlib import Path

import pytest

from bot.config import load_config, parse_mail_url
from bot.deploy.init import service_unit, set_key
from bot.errors import UserError
from tests.conftest import ROOT
from tests.deploy.conftest import nombot, ok

UNIT = (ROOT / "deploy" / "nombot.service").read_text(encoding="utf-8")


def test_init_writes_a_folder_whose_paths_stay_inside_it(tmp_path):
    folder = tmp_path / "x"
    ok(nombot("init", str(folder), cwd=tmp_path))

    config = load_config(folder / "config.toml")
    assert config.rules_path == folder / "rules"
    assert config.templates_path == folder / "templates"
    assert config.database_url == f"sqlite:///{folder / 'var' / 'nombot.db'}"
    for url in (config.inbox.url, config.outbox.url):
        path = config.path(parse_mail_url(url).path)
        assert path.is_relative_to(folder / "var"), url
    text = (folder / "config.toml").read_text(encoding="utf-8")
    assert "# imap://USER@HOST:PORT/INBOX" in text  # the example's comments are kept
    assert tomllib.loads(text)["log"] == {"format": "text"}
    for source in (ROOT / "rules").rglob("*.*"):
        copy = folder / "rules" / source.relative_to(ROOT / "rules")
        assert copy.read_bytes() == source.read_bytes(), copy
    assert [p.name for p in (folder / "templates").iterdir()] == ["README.txt"]
    assert "en/confirmation.txt.j2" in (folder / "templates" / "README.txt").read_text()
    assert (folder / "var").is_dir() and (folder / "nombot.service").is_file()


def test_the_secrets_file_is_private_and_names_the_variables_only(tmp_path):
    folder = tmp_path / "x"
    ok(nombot("init", str(folder), cwd=tmp_path))
    env = folder / "nombot.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    lines = env.read_text(encoding="utf-8").splitlines()
    assert all(not line or line.startswith("#") for line in lines)  # nothing set
    config = load_config(folder / "config.toml")
    for name in (config.inbox.password_env, config.outbox.password_env, config.web.secret_env):
        assert any(line.startswith(f"# {name}=") for line in lines), name


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    refused = nombot("init", str(folder), cwd=tmp_path)
    assert refused.returncode != 0
    assert refused.stderr.splitlines() == [
        f"nombot: error: {folder} is not empty; choose a new folder, or pass --force to "
        "write into it"
    ]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_force_writes_into_it_and_keeps_the_secrets(tmp_path):
    folder = tmp_path / "x"
    ok(nombot("init", str(folder), cwd=tmp_path))
    env = folder / "nombot.env"
    env.write_text("NOMBOT_IMAP_PASSWORD=kept\n")
    (folder / "config.toml").write_text("broken = [\n")
    again = ok(nombot("init", "--force", str(folder), cwd=tmp_path))
    assert "nombot.env       kept as it was" in again
    assert env.read_text() == "NOMBOT_IMAP_PASSWORD=kept\n"
    load_config(folder / "config.toml")  # written afresh


def test_a_key_is_set_in_its_section_keeping_the_comment():
    text = (
        '# top\n# templates_dir = "mine"\n[inbox]\nurl = "maildir:a"   # where\n'
        '[outbox]\nurl = "x"\n'
    )
    text = set_key(text, "", "templates_dir", '"templates"')
    text = set_key(text, "outbox", "url", '"maildir:b"')
    assert text == (
        '# top\ntemplates_dir = "templates"\n[inbox]\nurl = "maildir:a"   # where\n'
        '[outbox]\nurl = "maildir:b"\n'
    )
    with pytest.raises(UserError, match=r"no \[digest\] to"):
        set_key(text, "digest", "to", "[]")


@pytest.mark.parametrize(
    ("folder", "home", "tmp"),
    [
        ("/srv/nombot", "yes", "yes"),
        ("/home/olga/nombot", "read-only", "yes"),
        ("/tmp/x", "yes", "no"),
    ],
)
def test_the_unit_keeps_its_folder_visible(folder, home, tmp):
    unit = service_unit(UNIT, Path(folder), ["/opt/venv/bin/nombot"])
    assert f"ProtectHome={home}\n" in unit and f"PrivateTmp={tmp}\n" in unit
    assert f"ExecStart=/opt/venv/bin/nombot --config {folder}/config.toml run\n" in unit


def test_a_folder_a_unit_cannot_name_is_refused():
    with pytest.raises(UserError, match="spaces"):
        service_unit(UNIT, Path("/srv/my bot"), ["/opt/venv/bin/nombot"])
    assert "WorkingDirectory=/srv/100%%\n" in service_unit(UNIT, Path("/srv/100%"), ["/n"])
