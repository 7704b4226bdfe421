"""``nombot participants``: the participant list in every format, to the terminal or to a
file, after checking the options against their valid values."""

from pathlib import Path

import typer

from bot.console import output as write_output
from bot.console import state, table
from bot.errors import ConfigError, UserError
from bot.staff import choices

FORMATS = ("table", "csv", "json", "xlsx")
TABLE_COLUMNS = ("id", "event", "name", "email", "country", "status", "flags")
BOM = "\ufeff"  # spreadsheet programs then read the CSV as UTF-8


def list_participants(event: str | None, status: str | None, fmt: str, output: Path | None) -> None:
    from bot.app import load_rules
    from bot.staff.reports import PARTICIPANT_FIELDS, as_csv, as_json, participant_rows, write_xlsx
    from bot.store.db import open_database

    fmt = choices.one_of("--format", fmt.strip().lower(), FORMATS)
    status = choices.status(status)
    if fmt == "xlsx" and output is None:
        raise UserError("--format xlsx needs --output FILE.xlsx")
    engine = open_database(state.config.database_url)
    try:
        configured = [e.slug for e in load_rules(state.config)]
    except ConfigError:  # the list is still shown under a broken rules file
        configured = []
    event = choices.event(event, engine, configured)
    rows = participant_rows(engine, event, status, with_id=fmt in ("table", "json"))
    if fmt == "json":
        write_output(as_json(rows), output)
    elif fmt == "csv":
        write_output(BOM + as_csv(rows, PARTICIPANT_FIELDS), output)
    elif fmt == "xlsx":
        assert output is not None
        try:
            write_xlsx(rows, PARTICIPANT_FIELDS, output)
        except OSError as exc:
            raise UserError(f"{output}: cannot be written ({exc.strerror})") from None
    else:
        table(rows, TABLE_COLUMNS, f"{len(rows)} participant(s)", output)
    if output is not None:
        typer.echo(f"{len(rows)} participant(s) written to {output}")
