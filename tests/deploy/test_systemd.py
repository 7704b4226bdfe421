"""The systemd units pass `systemd-analyze verify` with nothing to say: deploy/*.service as
shipped, and the unit `nombot init` writes for its folder.

`verify` checks that the program of ExecStart= exists and is executable, and reports an
unknown key or a bad value on standard error while still exiting 0, so a unit passes
only with status 0 and no output. The shipped units name /opt/nombot/.venv/bin/nombot,
which this machine does not have: they are verified unchanged inside a scratch root
(``--root``) holding the system's own units and an executable at that path."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.conftest import nombot, ok

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
pytestmark = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None,
    reason="systemd-analyze is not installed here (Debian: apt-get install systemd)",
)
SHIPPED = sorted((ROOT / "deploy").glob("*.service"))
SYSTEM_UNITS = next(
    (p for p in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")) if p.is_dir()),
    None,
)


def verify(unit: Path, root: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(SYSTEMD_ANALYZE), "verify", "--man=no", "--generators=no"]
    command += [f"--root={root}"] if root else []
    return subprocess.run(
        [*command, str(unit)], capture_output=True, text=True, timeout=120, check=False
    )


def programs(unit: Path) -> list[Path]:
    """The programs the unit's Exec*= lines start."""
    text = unit.read_text(encoding="utf-8")
    return [Path(m) for m in re.findall(r"^Exec\w+=[-@:+!]*(/\S+)", text, re.MULTILINE)]


def scratch_root(tmp_path: Path, unit: Path) -> Path:
    """A root with the system's units, the unit under etc/systemd/system, and an
    executable standing in for each program the unit starts."""
    if SYSTEM_UNITS is None:
        pytest.skip("no /usr/lib/systemd/system to verify against")
    root = tmp_path / "root"
    shutil.copytree(SYSTEM_UNITS, root / SYSTEM_UNITS.relative_to("/"), symlinks=True)
    for program in programs(unit):
        stand_in = root / program.relative_to("/")
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_text("#!/bin/sh\nexit 0\n")
        stand_in.chmod(0o755)
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    return root


def verify_shipped(tmp_path: Path, unit: Path, text: str | None = None):
    root = scratch_root(tmp_path, unit)
    installed = root / "etc" / "systemd" / "system" / unit.name
    installed.write_text(text if text is not None else unit.read_text(encoding="utf-8"))
    return verify(installed, root)


def test_both_units_are_shipped():
    assert [p.name for p in SHIPPED] == ["nombot-web.service", "nombot.service"]


@pytest.mark.parametrize("unit", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_unit_verifies_clean(tmp_path, unit):
    assert programs(unit) == [Path("/opt/nombot/.venv/bin/nombot")]
    result = verify_shipped(tmp_path, unit)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("unit", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_unit_runs_the_bot_confined(unit):
    text = unit.read_text(encoding="utf-8")
    command = "run" if unit.name == "nombot.service" else "web"
    for line in (
        "Type=simple",
        "Restart=on-failure",
        "User=nombot",
        "EnvironmentFile=/etc/nombot/nombot.env",
        "WorkingDirectory=/var/lib/nombot",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "ReadWritePaths=/var/lib/nombot",
        f"ExecStart=/opt/nombot/.venv/bin/nombot --config /etc/nombot/config.toml {command}",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.MULTILINE), line


def test_a_mistake_in_a_unit_is_caught(tmp_path):
    """The control: what verify only warns about fails the check above."""
    unit = ROOT / "deploy" / "nombot.service"
    text = unit.read_text(encoding="utf-8")
    wrong = text.replace("NoNewPrivileges=yes", "NoNewPrivilege=yes").replace(
        "ProtectSystem=strict", "ProtectSystem=stricter"
    )
    result = verify_shipped(tmp_path, unit, wrong)
    assert "NoNewPrivilege" in result.stderr and "protect system" in result.stderr.lower()


def test_the_unit_init_writes_verifies_clean(tmp_path):
    folder = tmp_path / "site"
    ok(nombot("init", str(folder), cwd=tmp_path))
    unit = folder / "nombot.service"
    text = unit.read_text(encoding="utf-8")
    assert f"ExecStart={sys.executable} -m bot --config {folder / 'config.toml'} run" in text
    assert f"WorkingDirectory={folder}\n" in text and f"ReadWritePaths={folder / 'var'}\n" in text
    assert f"EnvironmentFile={folder / 'nombot.env'}\n" in text
    assert "StateDirectory" not in text
    result = verify(unit)  # its program is this interpreter: no stand-in needed
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
