"""The container files, read (the image is not built here: README "In a container" says
how): everything the Containerfile copies exists in the checkout, the image runs as a
user of its own, and compose.yaml takes no password from itself."""

import re

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def test_the_containerfile_builds_the_wheel_from_what_the_checkout_has():
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert re.findall(r"^FROM (\S+)", text, re.MULTILINE) == ["python:3.11-slim"] * 2
    copied = [
        source
        for line in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE)
        for source in line.split()
    ]
    assert {"pyproject.toml", "bot", "templates", "rules", "config.example.toml"} <= set(copied)
    assert all((ROOT / source).exists() for source in copied), copied
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users == ["nombot"]
    assert re.search(r"^ENTRYPOINT \[\"nombot\"\]", text, re.MULTILINE)


def test_compose_runs_the_bot_on_postgresql_with_secrets_from_the_env_file():
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "image: docker.io/library/postgres:" in text
    assert "dockerfile: deploy/Containerfile" in text
    assert '"run"]' in text and '"web"' in text
    assert text.count("env_file: ../site/nombot.env") == 3
    assert not re.search(r"PASSWORD:\s*\S", text)  # no password written here
