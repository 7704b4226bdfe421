"""The bot as `pip install` gives it: the built wheel alone, run from a folder that holds
only a `config.toml` and `rules/events/`, uses the templates packaged inside it — and a
template in the configured override folder wins over the packaged one."""

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_config

EXAMPLES = ROOT / "examples"
NOMINATIONS = ("01-kenya-nomination.eml", "02-senegal-designation.eml", "03-mexico-table.eml")
# The wheel is built once per module: its tests run in one worker when the suite runs in several.
pytestmark = pytest.mark.xdist_group("installed-wheel")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from the checkout, installed (without its dependencies, which this
    interpreter already has) into a folder of its own."""
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


def _deployment(folder: Path, override: Path | None) -> Path:
    (folder / "rules" / "events").mkdir(parents=True)
    shutil.copy(ROOT / "rules" / "events" / "cb-forum-2025.toml", folder / "rules" / "events")
    sections = {
        "": {"rules_dir": "rules", **({"templates_dir": str(override)} if override else {})},
        "inbox": {"url": "maildir:mail/inbox"},
        "outbox": {"url": "maildir:mail/outbox", "from": "CBD <nominations@cbd.int>"},
        "database": {"url": f"sqlite:///{folder / 'nombot.db'}"},
        "digest": {"to": ["secretariat@cbd.int"]},
    }
    return write_config(folder / "config.toml", sections)


def _nombot(site: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(folder / "config.toml"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"nombot {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def _run_deployment(site: Path, folder: Path) -> list:
    _nombot(site, folder, "db", "upgrade")
    _nombot(site, folder, "directory", "import", str(EXAMPLES / "focal-points.csv"))
    for name in NOMINATIONS:
        _nombot(site, folder, "inbox", "append", str(EXAMPLES / "inbox" / name))
    polled = _nombot(site, folder, "poll").stdout
    assert "fetched 3 message(s)" in polled, polled
    sent = sorted((folder / "mail" / "outbox" / "new").iterdir())
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sent]


def test_the_installed_package_runs_from_a_bare_folder(installed, tmp_path):
    where = subprocess.run(
        [sys.executable, "-c", "import bot; print(bot.__file__)"],
        env={**os.environ, "PYTHONPATH": str(installed)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(installed)), where.stdout  # not the checkout
    folder = tmp_path / "deployment"
    folder.mkdir()
    config = _deployment(folder, override=None)
    assert "templates_dir" not in tomllib.loads(config.read_text(encoding="utf-8"))

    mails = _run_deployment(installed, folder)

    subjects = [m["Subject"] for m in mails]
    assert any(s.startswith("Re: ") for s in subjects)  # confirmations, threaded
    assert len(mails) >= 3
    review = _nombot(installed, folder, "review").stdout
    assert "pending" in review or "nothing to review" in review
    digest = _nombot(installed, folder, "digest", "--print").stdout
    assert "accepted 3" in digest and "could not be verified" in digest


def test_a_template_in_the_override_folder_wins(installed, tmp_path):
    override = tmp_path / "site-templates"
    (override / "en").mkdir(parents=True)
    (override / "en" / "participant_registered.subject.j2").write_text(
        "Your place at the forum (site template)\n", encoding="utf-8"
    )
    folder = tmp_path / "deployment"
    folder.mkdir()
    _deployment(folder, override=override)

    mails = _run_deployment(installed, folder)

    notices = [m for m in mails if not m["Subject"].startswith("Re: ")]
    english = [m for m in notices if m["Content-Language"] == "en"]
    assert english and all(
        m["Subject"] == "Your place at the forum (site template)" for m in english
    )
    confirmations = [m for m in mails if m["Subject"].startswith("Re: ")]
    assert confirmations  # the packaged reply templates fill in what the override lacks
