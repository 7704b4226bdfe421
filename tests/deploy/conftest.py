"""Helpers of the deployment tests: run ``nombot`` as a new user would, in a folder of its
own, with no NOMBOT_* variable from the test's environment."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def nombot_env(site: Path = ROOT, **variables: str) -> dict[str, str]:
    """The environment of a ``python -m bot`` that imports ``bot`` from ``site``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOMBOT_")}
    env["PYTHONPATH"] = str(site)
    env.update(variables)
    return env


def nombot(
    *args: str, cwd: Path, site: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env or nombot_env(site),
        capture_output=True,
        text=True,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    """The standard output of a command that must have succeeded."""
    assert result.returncode == 0, f"{result.args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def set_line(config: Path, old: str, new: str) -> None:
    """Replace one line of a configuration file, which must be there exactly once."""
    text = config.read_text(encoding="utf-8")
    assert text.count(old + "\n") == 1, old
    config.write_text(text.replace(old + "\n", new + "\n"), encoding="utf-8")


def closed_port() -> int:
    """A loopback port where nothing listens (connections are refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
