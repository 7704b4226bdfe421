#!/usr/bin/env bash
# Runs the bot's main job once on the embedded default: the focal-point directory and a
# Maildir inbox filled from examples/, a SQLite database and an outgoing Maildir, all
# under var/demo/ (started afresh each time). Shows the participants and the replies.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/nombot ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e .
fi

rm -rf var/demo
nombot() { .venv/bin/nombot --config config.example.toml "$@"; }

nombot directory import examples/focal-points.csv
nombot inbox append examples/inbox/*.eml > /dev/null
nombot poll
echo
nombot participants
nombot messages
echo
echo "Mail the bot sent is in var/demo/outbox/new/ ($(ls var/demo/outbox/new | wc -l) messages). The first confirmation:"
.venv/bin/python - <<'PY'
import email
from email import policy
from pathlib import Path

for path in sorted(Path("var/demo/outbox/new").iterdir()):
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    if message["Auto-Submitted"] == "auto-replied" and "are registered:" in message.get_body(("plain",)).get_content():
        for name in ("From", "To", "Subject", "In-Reply-To", "Auto-Submitted"):
            print(f"{name}: {message[name]}")
        print()
        print(message.get_body(("plain",)).get_content())
        break
PY
