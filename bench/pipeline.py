"""Whole-pipeline throughput: IMAP fetch → store → read → rules → commit → SMTP → MOVE.

Starts a throw-away Dovecot and a capturing SMTP server on loopback and stages N mixed
messages (the labelled corpus, cycled, each under a Message-ID of its own) in a folder
of the mailbox. For each configuration (SQLite with one worker; PostgreSQL with one and
with two workers, the second with ``[run] when_leased = "share"``), ``nombot run`` is
started, the staged messages are moved into the INBOX at once, and the clock runs until
every message is decided and moved and the outbox is empty. Printed: messages per
second, the floor (a bare imapclient fetch plus mail-parser of the same messages, same
run) and the ratio, and each worker's peak resident memory (VmHWM). With ``--profile``
a cProfile of one in-process ingestion of ``--profile-messages`` messages follows.

Run: ``.venv/bin/python bench/pipeline.py [--messages 5000] [--profile]``
(PostgreSQL at ``NOMBOT_TEST_POSTGRES``, default the suite's on 127.0.0.1:5432).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.support.dovecot import Dovecot  # noqa: E402
from tests.support.smtp import SmtpCapture  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "nominations"
POSTGRES = os.environ.get("NOMBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
STAGING = "Staging"
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*\r?\n", re.IGNORECASE | re.MULTILINE)


def mixed_messages(count: int) -> list[bytes]:
    """``count`` messages from the corpus, cycled, each with a Message-ID of its own."""
    corpus = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    result = []
    for index in range(count):
        raw = _MESSAGE_ID.sub(b"", corpus[index % len(corpus)], count=1)
        result.append(f"Message-ID: <bench-{index}@pipeline.test>\r\n".encode() + raw)
    return result


def stage(dovecot: Dovecot, user: str, password: str, messages: list[bytes]) -> None:
    with dovecot.client(user, password) as client:
        if not client.folder_exists(STAGING):
            client.create_folder(STAGING)
        for raw in messages:
            client.append(STAGING, raw, msg_time=ON_TIME)


def release(dovecot: Dovecot, user: str, password: str) -> None:
    """Move every staged message into the INBOX in one command."""
    with dovecot.client(user, password) as client:
        client.select_folder(STAGING)
        client.move(client.search("ALL"), "INBOX")


def floor(dovecot: Dovecot, user: str, password: str, folder: str) -> tuple[int, float]:
    """A bare fetch of every message of ``folder`` plus mail-parser on each: (count, s)."""
    import mailparser

    started = time.perf_counter()
    with dovecot.client(user, password) as client:
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        count = 0
        for start in range(0, len(uids), 100):
            data = client.fetch(uids[start : start + 100], ["BODY.PEEK[]"])
            for item in data.values():
                mailparser.parse_from_bytes(item[b"BODY[]"])
                count += 1
    return count, time.perf_counter() - started


def _config(work: Path, name: str, dovecot, user: str, smtp: SmtpCapture, url: str) -> Path:
    path = work / f"{name}.toml"
    path.write_text(
        f'rules_dir = "{ROOT / "tests" / "data" / "corpus-rules"}"\n'
        f'templates_dir = "{ROOT / "templates"}"\n'
        f'[inbox]\nurl = "imap://{user}@127.0.0.1:{dovecot.port}/INBOX"\n'
        "poll_interval = 600\nidle = true\ntimeout = 30\n"
        f'[outbox]\nurl = "smtp://127.0.0.1:{smtp.port}"\nfrom = "nominations@cbd.int"\n'
        "flush_interval = 1\nmax_per_minute = 1000000\n"
        f'[database]\nurl = "{url}"\n'
        '[policy]\nsecretariat_domains = ["cbd.int"]\ndaily_reply_cap = 100000\n'
        '[run]\nwhen_leased = "share"\n'
    )
    return path


def _done(engine, expected: int) -> bool:
    with engine.connect() as connection:
        moved = connection.execute(
            text("SELECT count(*) FROM inbound_message WHERE moved_at IS NOT NULL "
                 "OR target_folder IS NULL")  # fmt: skip
        ).scalar_one()
        waiting = connection.execute(
            text("SELECT count(*) FROM outbox_mail WHERE status IN ('queued', 'sending')")
        ).scalar_one()
    return moved >= expected and waiting == 0


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _wait_running(log: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if "nombot running" in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise SystemExit(f"nombot run did not start:\n{log.read_text(errors='replace')}")


def run_pipeline(work, name, dovecot, account, smtp, url, messages, workers) -> dict:
    user, password = account
    stage(dovecot, user, password, messages)
    config = _config(work, name, dovecot, user, smtp, url)
    env = {**os.environ, "NOMBOT_IMAP_PASSWORD": password, "PYTHONPATH": str(ROOT)}
    nombot = [sys.executable, "-m", "bot", "--config", str(config)]
    directory = ROOT / "tests" / "data" / "directory" / "focal-points.csv"
    subprocess.run([*nombot, "directory", "import", str(directory)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    processes, logs = [], []
    for number in range(workers):
        log = work / f"{name}-{number}.log"
        logs.append(log)
        processes.append(subprocess.Popen([*nombot, "run"], env=env, stdout=log.open("w"),
                                          stderr=subprocess.STDOUT))  # fmt: skip
        _wait_running(log, processes[-1])
    engine = create_engine(url)
    sent_before = len(smtp.messages)
    started = time.perf_counter()
    release(dovecot, user, password)
    while not _done(engine, len(messages)):
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    rss = [_peak_rss_mb(p.pid) for p in processes]
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)
    engine.dispose()
    count, floor_seconds = floor(dovecot, user, password, "Nominations-Processed")
    return {
        "name": name,
        "rate": len(messages) / elapsed,
        "elapsed": elapsed,
        "floor": count / floor_seconds,
        "rss": rss,
        "sent": len(smtp.messages) - sent_before,
    }


def _postgres_schema() -> str:
    schema = f"bench_{secrets.token_hex(4)}"
    engine = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{POSTGRES}?options=-csearch_path%3D{schema}"


def profile(work: Path, dovecot: Dovecot, account, smtp: SmtpCapture, count: int) -> str:
    """cProfile of one in-process ingestion of ``count`` messages (SQLite)."""
    from bot.app import build_services
    from bot.config import load_config
    from bot.notify.outbox.flush import flush_outbox
    from bot.processing.ingest import ingest_once

    user, password = account
    stage(dovecot, user, password, mixed_messages(count))
    release(dovecot, user, password)
    config = _config(work, "profile", dovecot, user, smtp, f"sqlite:///{work / 'profile.db'}")
    os.environ["NOMBOT_IMAP_PASSWORD"] = password
    directory = ROOT / "tests" / "data" / "directory" / "focal-points.csv"
    subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "directory", "import",
                    str(directory)], check=True, capture_output=True)  # fmt: skip
    services = build_services(load_config(config))
    profiler = cProfile.Profile()
    profiler.enable()
    ingest_once(services)
    flush_outbox(services.engine, services.config, ignore_backoff=True, limit=100000)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(35)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-messages", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nombot-pipeline-"))
    accounts = [(f"bench{n}", secrets.token_hex(8)) for n in range(4)]  # one per run
    dovecot = Dovecot()
    dovecot.add_users(dict(accounts))
    dovecot.start()
    smtp = SmtpCapture().start()
    messages = mixed_messages(args.messages)
    runs = []
    try:
        plans = [("sqlite, 1 worker", "sqlite", 1), ("postgresql, 1 worker", "postgresql", 1),
                 ("postgresql, 2 workers", "postgresql", 2)]  # fmt: skip
        for account, (name, kind, workers) in zip(accounts, plans, strict=False):
            if args.only and kind != args.only:
                continue
            url = f"sqlite:///{work / 'bench.db'}" if kind == "sqlite" else _postgres_schema()
            runs.append(run_pipeline(work, name.replace(" ", "").replace(",", "-"), dovecot,
                                     account, smtp, url, messages, workers))  # fmt: skip
            runs[-1]["name"] = name
            print(_line(runs[-1]), flush=True)
        if args.profile:
            print(profile(work, dovecot, accounts[3], smtp, args.profile_messages))
    finally:
        smtp.stop()
        dovecot.stop()
    return 0


def _line(run: dict) -> str:
    rss = " / ".join(f"{mb:.0f}" for mb in run["rss"])
    return (
        f"{run['name']:<24} {run['rate']:7.1f} msg/s ({run['elapsed']:.1f} s, {run['sent']} mails)"
        f"  floor {run['floor']:7.1f} msg/s  ratio {run['floor'] / run['rate']:5.1f}x"
        f"  peak RSS {rss} MB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
