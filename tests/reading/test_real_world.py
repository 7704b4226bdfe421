"""Real messages nobody here wrote (../shared/corpora/real-world): no crash, no robot
taken for a nominator, through ``nombot parse`` and through the whole pipeline."""

import csv
import json
import os
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.app import build_services
from bot.config import load_config
from bot.inbox.deliver import deliver
from bot.processing.ingest import ingest_once
from bot.store.models import InboundMessage, OutboxMail
from tests.conftest import NOMBOT, ROOT, bot_env, write_config

CORPUS = Path(
    os.environ.get("NOMBOT_REAL_WORLD_CORPUS", ROOT.parent / "shared" / "corpora" / "real-world")
)
pytestmark = pytest.mark.skipif(
    not (CORPUS / "labels.tsv").is_file(),
    reason=f"real-world corpus not found at {CORPUS} (set NOMBOT_REAL_WORLD_CORPUS)",
)
ROBOTS = {"bounce", "autoreply"}


def labelled() -> list[tuple[Path, str]]:
    with open(CORPUS / "labels.tsv", encoding="utf-8") as handle:
        return [
            (CORPUS / row["path"], row["kind"]) for row in csv.DictReader(handle, delimiter="\t")
        ]


def test_every_message_parses_and_no_robot_is_a_nomination(tmp_path):
    config = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(ROOT / "rules"), "templates_dir": str(ROOT / "templates")},
            "policy": {"secretariat_domains": ["cbd.int"]},
        },
    )
    files = labelled()
    kinds = {}
    for start in range(0, len(files), 400):
        batch = files[start : start + 400]
        result = subprocess.run(
            [*NOMBOT, "--config", str(config), "parse", "--json", *[str(p) for p, _ in batch]],
            capture_output=True,
            text=True,
            env=bot_env(),
            cwd=ROOT,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == len(batch)
        for line in lines:
            data = json.loads(line)
            kinds[data["file"]] = data["kind"]
    wrong = [
        f"{p}: {label} read as {kinds[str(p)]}"
        for p, label in files
        if label in ROBOTS and kinds[str(p)] in ("nomination", "withdrawal")
    ]
    assert wrong == []
    bounces = Counter(kinds[str(p)] for p, label in files if label == "bounce")
    assert bounces["bounce"] >= 0.9 * sum(bounces.values()), bounces


def test_the_pipeline_answers_no_robot(tmp_path):
    """Every message delivered while the event is open: nothing crashes, robots get nothing."""
    config_path = write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(ROOT / "rules"), "templates_dir": str(ROOT / "templates")},
            "inbox": {"url": f"maildir:{tmp_path / 'inbox'}"},
            "outbox": {"url": f"maildir:{tmp_path / 'outbox'}", "from": "nominations@cbd.int"},
            "database": {"url": f"sqlite:///{tmp_path / 'nombot.db'}"},
            "policy": {"secretariat_domains": ["cbd.int"]},
        },
    )
    config = load_config(config_path)
    files = labelled()
    open_window = datetime(2025, 7, 2, 12, 0, tzinfo=UTC)
    for path, _ in files:
        deliver(config, path.read_bytes(), open_window)
    services = build_services(config)

    report = ingest_once(services)

    assert report.fetched == len(files)
    assert "retrying" not in report.outcomes  # a crash would wait for the next poll
    robots = set()
    for path, label in files:
        if label in ROBOTS:
            from bot.message.parse import parse_mail

            sender = parse_mail(path.read_bytes()).from_email
            if sender:
                robots.add(sender)
    with Session(services.engine) as session:
        errors = session.exec(select(InboundMessage).where(InboundMessage.outcome == "error")).all()
        replies = session.exec(select(OutboxMail)).all()
    assert [(m.subject, m.error) for m in errors] == []
    assert [m.to_email for m in replies if m.to_email in robots] == []
