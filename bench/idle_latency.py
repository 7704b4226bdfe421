"""Seconds from APPEND to confirmation with ``nombot run`` holding IMAP IDLE.

Starts a throw-away Dovecot and a capturing SMTP server on loopback, runs ``nombot run``
with a 10-minute poll interval (so only IDLE can explain a fast answer), appends a
nomination several times and prints how long each confirmation took to arrive.
Run: ``.venv/bin/python bench/idle_latency.py [--rounds N]``.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.dovecot import Dovecot  # noqa: E402
from tests.support.smtp import SmtpCapture  # noqa: E402

MESSAGE = (ROOT / "tests" / "data" / "e2e" / "kenya.eml").read_bytes()
SENDER = "s.kiprono@environment.go.ke"
ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)  # INTERNALDATE inside the event window


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nombot-idle-"))
    dovecot = Dovecot()
    dovecot.add_users({"secretariat": "bench-password"})
    dovecot.start()
    smtp = SmtpCapture().start()
    config = work / "config.toml"
    config.write_text(
        f'rules_dir = "{ROOT / "rules"}"\ntemplates_dir = "{ROOT / "templates"}"\n'
        f'[inbox]\nurl = "imap://secretariat@127.0.0.1:{dovecot.port}/INBOX"\n'
        "poll_interval = 600\nidle = true\n"
        f'[outbox]\nurl = "smtp://127.0.0.1:{smtp.port}"\nfrom = "nominations@cbd.int"\n'
        f'[database]\nurl = "sqlite:///{work / "nombot.db"}"\n'
        # One sender gets a confirmation per round: the daily cap on replies must not stop them.
        f"[policy]\ndaily_reply_cap = {args.rounds + 10}\n"
    )
    env = {**os.environ, "NOMBOT_IMAP_PASSWORD": "bench-password", "PYTHONPATH": str(ROOT)}
    nombot = [sys.executable, "-m", "bot", "--config", str(config)]
    subprocess.run(
        [
            *nombot,
            "directory",
            "import",
            str(ROOT / "tests" / "data" / "directory" / "focal-points.csv"),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [*nombot, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    latencies = []
    try:
        time.sleep(4)  # start-up poll done, IDLE established
        for number in range(args.rounds):
            raw = MESSAGE.replace(b"<e2e-kenya-1@", f"<bench-{number}@".encode())
            raw = raw.replace(b"jane.mwangi@", f"jane.mwangi{number}@".encode())
            before = len(smtp.to(SENDER))
            start = time.perf_counter()
            dovecot.append("secretariat", "bench-password", raw, ON_TIME)
            while len(smtp.to(SENDER)) == before:
                if time.perf_counter() - start > 60:
                    raise SystemExit(f"round {number + 1}: no confirmation within 60 s")
                time.sleep(0.02)
            latencies.append(time.perf_counter() - start)
            time.sleep(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        smtp.stop()
        dovecot.stop()
    print(
        f"IDLE: APPEND to confirmation over {len(latencies)} rounds (poll interval 600 s): "
        f"median {statistics.median(latencies):.2f} s, p95 {_p95(latencies):.2f} s, "
        f"min {min(latencies):.2f} s, max {max(latencies):.2f} s"
    )
    return 0



def _p95(values: list[float]) -> float:
    """The 95th percentile (the largest value when there are fewer than 20)."""
    if len(values) < 20:
        return max(values)
    return statistics.quantiles(values, n=20, method="inclusive")[-1]

if __name__ == "__main__":
    sys.exit(main())
