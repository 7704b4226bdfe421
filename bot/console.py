"""Console plumbing shared by the commands: the loaded configuration, the services
built from it, and the ways results are printed (JSON lines, files, tables)."""

import json
import sys
from pathlib import Path

from bot.config import Config, load_config


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
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def table(rows: list[dict], columns: tuple[str, ...], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(
            *[
                ", ".join(v) if isinstance(v, list) else ("" if v is None else str(v))
                for v in (row.get(c) for c in columns)
            ]
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)


