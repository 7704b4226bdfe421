"""Where the bot's log records go: standard error, as text lines or as JSON lines.

The command line sets this up once per command (``[log] format`` in the configuration);
under systemd, standard error is the journal. A JSON line is one object with ``time``
(UTC, ISO 8601), ``level``, ``logger`` and ``message``, plus ``exception`` (the
traceback's text) when the record carries one.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_nombot_handler"  # set on the handler this module installs, so it can replace it
# Libraries whose chatter is not the bot's to show.
QUIET = {
    "flufl.bounce": logging.CRITICAL,
    "mailparser": logging.CRITICAL,
    "alembic": logging.WARNING,
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)


def configure_logging(verbose: bool, fmt: Literal["text", "json"] = "text") -> None:
    """Send records at INFO (``verbose``) or WARNING and above to standard error in ``fmt``.

    Called again (once the configuration is read), it replaces its own handler. Where
    something else has set up logging already (a program embedding the bot, a test
    runner), it leaves that alone, as ``logging.basicConfig`` does.
    """
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _MARK, False)]
    if len(ours) < len(root.handlers):
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
