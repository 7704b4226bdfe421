"""Console plumbing shared by the commands: the loaded configuration, the services
built from it, and the ways results are printed (JSON lines, files, tables)."""

import io
import json
import sys
from pathlib import Path

from bot.config import Config, load_config
from bot.errors import UserError


class _State:
    """The configuration chosen by ``--config``, loaded on first use."""

    config_path: Path | None = None
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


state = _State()


def echo_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")


def services():
    from bot.app import build_services

    return build_services(state.config)


def output(text: str, output: Path | None) -> None:
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{output}: cannot be written ({exc.strerror})") from None
    else:
        sys.stdout.write(text)


# Columns kept on one line: addresses, ids and times are never split; the others wrap.
ADDRESS_COLUMNS = frozenset({"email", "from", "nominated_by", "to", "sender"})


def _unbroken(column: str) -> bool:
    return column in ADDRESS_COLUMNS or column == "id" or column.endswith("_at")


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def table(rows: list[dict], columns: tuple[str, ...], title: str, file: Path | None = None) -> None:
    """Rows as a table: on the terminal at its width (160 columns when piped), or written
    plain (no colour, at its natural width) to ``file``."""
    from rich.console import Console
    from rich.table import Table

    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    table = Table(title=title, show_lines=False)
    for index, column in enumerate(columns):
        if _unbroken(column):
            widest = max([len(column), *(len(r[index]) for r in cells)])
            table.add_column(column.replace("_", " "), no_wrap=True, min_width=widest)
        else:
            table.add_column(column.replace("_", " "), overflow="fold")
    for row in cells:
        table.add_row(*row)
    if file is not None:
        buffer = io.StringIO()
        Console(file=buffer, width=10_000, color_system=None, soft_wrap=False).print(table)
        plain = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
        output(plain, file)
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)
