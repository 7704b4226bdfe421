"""What a new user does with the wheel alone: `nombot init`, `nombot check` against servers
that are not there, then the folder's own Maildirs: a nomination from examples/inbox/
processed by `nombot poll` and answered into the Maildir outbox."""

import subprocess
import sys
import tomllib
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.conftest import closed_port, nombot, nombot_env, ok, set_line

EXAMPLES = ROOT / "examples"
NOMINATION = EXAMPLES / "inbox" / "01-kenya-nomination.eml"
INBOX_LINE = 'url = "maildir:var/mail/inbox"'
OUTBOX_LINE = 'url = "maildir:var/mail/outbox"'


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The wheel built from the checkout (as tests/test_installed.py builds it: no network,
    no dependencies), unpacked into a folder that stands for site-packages."""
    wheels = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("nomination_bot-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_the_wheel_carries_what_init_copies(site):
    example = site / "bot" / "deploy" / "example"
    assert (example / "config.example.toml").read_bytes() == (
        ROOT / "config.example.toml"
    ).read_bytes()
    assert (example / "nombot.service").read_bytes() == (
        ROOT / "deploy" / "nombot.service"
    ).read_bytes()
    shipped = {p.relative_to(example / "rules") for p in (example / "rules").rglob("*.*")}
    expected = {p.relative_to(ROOT / "rules") for p in (ROOT / "rules").rglob("*.*")}
    assert expected <= shipped and Path("events/cb-forum-2025.toml") in shipped


def test_a_new_user_inits_checks_and_polls(site, tmp_path):
    home = tmp_path / "home"  # where the user types the commands: nothing of the checkout
    home.mkdir()
    where = subprocess.run(
        [sys.executable, "-c", "import bot; print(bot.__file__)"],
        cwd=home,
        env=nombot_env(site),
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(site)), where.stdout  # the wheel, not the checkout
    folder = tmp_path / "x"

    version = ok(nombot("--version", cwd=home, site=site))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert version == f"nombot {project['version']}\n"  # from the wheel's metadata
    made = ok(nombot("init", str(folder), cwd=home, site=site))
    assert f"created {folder}:" in made and "nombot.service" in made
    config = folder / "config.toml"
    assert tomllib.loads(config.read_text(encoding="utf-8"))["templates_dir"] == "templates"

    # The servers the user named are not there: check says which, and fails.
    set_line(config, INBOX_LINE, f'url = "imap://nominations@127.0.0.1:{closed_port()}/INBOX"')
    set_line(config, OUTBOX_LINE, f'url = "smtp://127.0.0.1:{closed_port()}"')
    checked = nombot("--config", str(config), "check", cwd=home, site=site)
    assert checked.returncode == 1, checked.stdout
    lines = {line.split()[1]: line for line in checked.stdout.splitlines()}
    assert lines["imap"].startswith("FAIL imap") and "connection refused" in lines["imap"]
    assert lines["smtp"].startswith("FAIL smtp") and "connection refused" in lines["smtp"]
    assert lines["rules"].startswith("ok") and lines["templates"].startswith("ok")
    assert checked.stderr.splitlines()[-1] == "nombot: check failed: schema, imap, smtp"

    # The folder's own Maildirs, as init wrote them: ready once the schema is made.
    set_line(config, checked_line(config, "imap://"), INBOX_LINE)
    set_line(config, checked_line(config, "smtp://"), OUTBOX_LINE)
    run = ["--config", str(config)]
    ok(nombot(*run, "db", "upgrade", cwd=home, site=site))
    ok(nombot(*run, "directory", "import", str(EXAMPLES / "focal-points.csv"), cwd=home, site=site))
    ok(nombot(*run, "inbox", "append", str(NOMINATION), cwd=home, site=site))
    ready = ok(nombot(*run, "check", cwd=home, site=site))
    assert "ok   inbox     maildir:" in ready and ready.endswith("all 7 checks passed\n")
    polled = ok(nombot(*run, "poll", cwd=home, site=site))
    assert "fetched 1 message(s): 1 accepted" in polled, polled

    original = message_from_bytes(NOMINATION.read_bytes(), policy=policy.default)
    sent = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((folder / "var" / "mail" / "outbox" / "new").iterdir())
    ]
    (reply,) = [m for m in sent if m["In-Reply-To"] == original["Message-ID"]]
    sender = original["From"].addresses[0].addr_spec.lower()
    assert [a.addr_spec.lower() for a in reply["To"].addresses] == [sender]
    assert reply["Auto-Submitted"] == "auto-replied"
    assert (folder / "var" / "nombot.db").is_file()


def checked_line(config: Path, scheme: str) -> str:
    """The one line of the configuration whose URL starts with ``scheme``."""
    (line,) = [
        line
        for line in config.read_text(encoding="utf-8").splitlines()
        if line.startswith(f'url = "{scheme}')
    ]
    return line


def test_init_from_the_wheel_needs_no_checkout(site, tmp_path):
    """Run where the checkout cannot be found: every copied file comes from the package."""
    folder = tmp_path / "deployment"
    ok(nombot("init", str(folder), cwd=tmp_path, env=nombot_env(site)))
    shipped = site / "bot" / "deploy" / "example"
    assert (folder / "rules" / "events" / "cb-forum-2025.toml").read_bytes() == (
        shipped / "rules" / "events" / "cb-forum-2025.toml"
    ).read_bytes()
    readme = (folder / "templates" / "README.txt").read_text(encoding="utf-8")
    assert str(site / "bot" / "templates") in readme  # points at the installed templates
