"""The labelled corpus (tests/data/nominations): extraction quality at the agreed bar."""

import json
import subprocess
from pathlib import Path

import pytest

from bench.extraction import CORPUS, RULES, corpus_files, evaluate
from tests.conftest import NOMBOT, ROOT, bot_env, write_config


def test_corpus_is_large_enough_and_complete():
    files = corpus_files()
    assert len(files) >= 60
    for path in files:
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert set(expected) == {
            "kind",
            "language",
            "event",
            "participants",
            "withdrawn",
            "bounced",
            "warnings",
        }, path.name


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_each_message_reads_as_labelled(path: Path):
    """One message against its label: participants (addresses, names, title, organization,
    country, source), names without address, kind, event, language, withdrawn, bounced and
    warning codes. Fails with the message's file name and every difference."""
    problems = evaluate([path]).problems
    assert problems == [], "\n".join(problems)


def test_extraction_meets_the_thresholds():
    metrics = evaluate()
    report = "\n".join(metrics.problems)
    assert metrics.precision >= 0.98, report
    assert metrics.recall >= 0.98, report
    assert metrics.name_accuracy >= 0.95, report
    assert metrics.share(metrics.kinds_right) >= 0.98, report


def test_nombot_parse_prints_the_contract_shape(tmp_path):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(RULES), "templates_dir": str(ROOT / "templates")},
            "policy": {"secretariat_domains": ["cbd.int"]},
        },
    )
    files = [str(p) for p in corpus_files()[:5]]
    result = subprocess.run(
        [*NOMBOT, "--config", str(config), "parse", "--json", *files],
        capture_output=True,
        text=True,
        env=bot_env(),
        cwd=ROOT,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == len(files)
    for line, file in zip(lines, files, strict=True):
        data = json.loads(line)
        assert data["file"] == file
        assert set(data) == {
            "file",
            "message_id",
            "from",
            "subject",
            "language",
            "kind",
            "event",
            "participants",
            "withdrawn",
            "bounced",
            "warnings",
        }
        assert set(data["from"]) == {"name", "email"}
        for person in data["participants"]:
            assert set(person) == {"name", "email", "title", "organization", "country", "source"}
    assert CORPUS.is_dir()
