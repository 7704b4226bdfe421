"""The command line a new user meets: `nombot --version`, and one line instead of a silent
run on the example configuration when there is no config.toml."""

import shutil
from importlib.metadata import version

import pytest

from tests.conftest import ROOT
from tests.deploy.conftest import nombot, ok

NO_CONFIG = "nombot: no config.toml here; run `nombot init DIR` or pass --config"


def test_version_is_the_installed_package_s(tmp_path):
    assert ok(nombot("--version", cwd=tmp_path)) == f"nombot {version('nomination-bot')}\n"


@pytest.mark.parametrize("command", [["poll"], ["participants"], ["check"], ["db", "upgrade"]])
def test_without_a_configuration_a_command_says_so(tmp_path, command):
    # config.example.toml beside it, as in a checkout: no longer used in its place.
    shutil.copy(ROOT / "config.example.toml", tmp_path)
    result = nombot(*command, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", NO_CONFIG + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.example.toml"]  # no var/


def test_a_config_toml_in_the_folder_is_used(tmp_path):
    site = tmp_path / "site"
    ok(nombot("init", str(site), cwd=tmp_path))
    ok(nombot("db", "upgrade", cwd=site))
    checked = ok(nombot("check", cwd=site))
    assert checked.startswith(f"ok   config    {site / 'config.toml'}\n")
    assert (site / "var" / "nombot.db").is_file()


def test_help_needs_no_configuration(tmp_path):
    assert "bot poll [OPTIONS]" in " ".join(ok(nombot("poll", "--help", cwd=tmp_path)).split())
    assert "init" in ok(nombot("--help", cwd=tmp_path))


def test_a_missing_named_configuration_is_one_line(tmp_path):
    result = nombot("--config", str(tmp_path / "absent.toml"), "poll", cwd=tmp_path)
    assert result.returncode == 2
    absent = tmp_path / "absent.toml"
    assert result.stderr == f"nombot: error: {absent}: no such configuration file\n"
