"""The ``nombot`` command line: every entry point into the bot.

Each command loads the configuration (``--config``, else ``./config.toml``; without
either it stops with one line pointing at ``nombot init``), sets up logging as its
``[log]`` section says, does one job and exits; errors a person can fix are printed as
one line with a non-zero status, never as a traceback. ``nombot init`` needs no
configuration; ``nombot check`` reports a bad one as its first failed check.
"""

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.access.commands import access_app
from bot.console import echo_json, state, table
from bot.console import services as build_services
from bot.deploy.check import check_command
from bot.deploy.init import init_command
from bot.errors import ConfigError, UserError
from bot.jobs.commands import directory_refresh, purge, reminders
from bot.logs import configure_logging
from bot.staff.commands import accept, digest, reject, review, withdraw
from bot.web.commands import staff_app, web

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="nomination-bot: turns nomination e-mail into a decided participant list.",
)
directory_app = typer.Typer(no_args_is_help=True, help="The focal-point directory.")
db_app = typer.Typer(no_args_is_help=True, help="The database schema.")
inbox_app = typer.Typer(no_args_is_help=True, help="The configured inbox.")
app.add_typer(directory_app, name="directory")
app.add_typer(db_app, name="db")
app.add_typer(inbox_app, name="inbox")
app.add_typer(access_app, name="access")  # bot.access.commands
app.add_typer(staff_app, name="staff")  # bot.web.commands
app.command()(web)  # bot.web.commands
app.command("init")(init_command)  # bot.deploy.init
app.command("check")(check_command)  # bot.deploy.check

log = logging.getLogger("nombot")

DEFAULT_CONFIG = Path("config.toml")
NO_CONFIG = "nombot: no config.toml here; run `nombot init DIR` or pass --config"
WITHOUT_CONFIG = {"init"}  # commands that need no configuration
REPORT_BAD_CONFIG = {"check"}  # commands that report a bad configuration themselves


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"nombot {version('nomination-bot')}")
        except PackageNotFoundError:
            typer.echo("nombot (version unknown: the package is not installed)")
        raise typer.Exit()


@app.callback()
def options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Configuration file (default: ./config.toml; `nombot init DIR` writes one).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what is done.")] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    configure_logging(verbose)
    state.config_path = config
    state._config = None
    command = ctx.invoked_subcommand
    if command in WITHOUT_CONFIG or "--help" in sys.argv[1:]:
        return
    if config is None:
        if not DEFAULT_CONFIG.is_file():
            typer.echo(NO_CONFIG, err=True)
            raise typer.Exit(2)
        state.config_path = DEFAULT_CONFIG
    try:
        configure_logging(verbose, state.config.log.format)
    except ConfigError:
        if command not in REPORT_BAD_CONFIG:
            raise


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help=".eml files to read.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Read messages offline and show what the bot understands: no database, no mail sent."""
    from bot.app import analysis_context, load_rules
    from bot.processing.read import read_message

    events = load_rules(state.config)
    context = analysis_context(state.config, events)
    failed = False
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            typer.echo(f"nombot: error: {file}: {exc.strerror}", err=True)
            failed = True
            continue
        result = read_message(raw, context, events)
        if as_json:
            echo_json(result.as_json(str(file)))
        else:
            _print_analysis(str(file), result)
    if failed:
        raise typer.Exit(1)


def _print_analysis(file: str, result) -> None:
    typer.echo(f"{file}: {result.kind}, {result.language}, event {result.event or '-'}")
    for person in result.participants:
        typer.echo(f"  + {person.name or '?'} <{person.email or 'no address'}> [{person.source}]")
    for address in result.withdrawn:
        typer.echo(f"  - withdrawn {address}")
    for address in result.bounced:
        typer.echo(f"  ! bounced {address}")
    for warning in result.warnings:
        typer.echo(f"  warning: {warning}")


@app.command()
def poll() -> None:
    """One ingestion cycle plus an outbox flush, then exit (cron-friendly)."""
    from bot.notify.outbox.flush import flush_outbox
    from bot.processing.ingest import ingest_once

    services = build_services()
    report = ingest_once(services)
    flushed = flush_outbox(services.engine, services.config)
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(report.outcomes.items())) or "nothing new"
    typer.echo(
        f"fetched {report.fetched} message(s): {outcomes}; moved {report.moved}; "
        f"sent {flushed.sent} mail(s)"
        + (f", {flushed.deferred} waiting ({flushed.error})" if flushed.deferred else "")
    )
    if report.move_errors:
        typer.echo(
            f"warning: {report.move_errors} message(s) could not be moved; "
            "they will be moved on the next poll",
            err=True,
        )


@app.command()
def run() -> None:
    """Run until stopped: IDLE/poll ingestion and the outbox, driven by APScheduler."""
    from bot.scheduler import Runner

    if logging.getLogger().level > logging.INFO:
        logging.getLogger().setLevel(logging.INFO)
    Runner(build_services()).run()


@app.command()
def participants(
    event: Annotated[str | None, typer.Option(help="Only this event (slug).")] = None,
    status: Annotated[
        str | None, typer.Option(help="confirmed, pending, rejected or withdrawn.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="table, csv (UTF-8 with a BOM), json or xlsx.")
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (any format; xlsx needs one)."),
    ] = None,
) -> None:
    """List the participants registered so far."""
    from bot.staff.listing import list_participants

    list_participants(event, status, fmt, output)


@app.command()
def messages(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """One row per processed message: who sent it, what it was, what the bot did."""
    from bot.staff.reports import as_json, message_rows
    from bot.store.db import open_database

    rows = message_rows(open_database(state.config.database_url))
    if fmt == "json":
        sys.stdout.write(as_json(rows))
    elif fmt == "table":
        table(
            rows,
            ("received_at", "from", "kind", "event", "outcome", "replies"),
            f"{len(rows)} message(s)",
        )
    else:
        raise UserError(f"--format: {fmt!r} is not one of table, json")


@directory_app.command("import")
def directory_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (country,role,name,email,organization,language; comma, semicolon or "
            "tab; UTF-8, cp1252 or latin-1) or BCH index JSON."
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Import even a file without focal points, or one removing more than "
            "\\[directory] max_removed_share of them.",
        ),
    ] = False,
) -> None:
    """Replace the focal-point directory with the content of FILE (all or nothing)."""
    from bot.store.db import open_database
    from bot.store.directory import import_file

    engine = open_database(state.config.database_url)
    share = state.config.directory.max_removed_share
    report = import_file(engine, file, share, force)
    typer.echo(f"directory: {report.summary()}")
    for entry in report.added[:20]:
        typer.echo(f"  + {entry.country} {entry.role} {entry.email}")
    for entry in report.removed[:20]:
        typer.echo(f"  - {entry.country} {entry.role} {entry.email}")


directory_app.command("refresh")(directory_refresh)  # bot.jobs.commands


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest migration."""
    from bot.store.db import make_engine, upgrade

    before, after = upgrade(make_engine(state.config.database_url))
    typer.echo(f"database at {after}" + (f" (was {before or 'empty'})" if before != after else ""))


@inbox_app.command("append")
def inbox_append(
    files: Annotated[list[Path], typer.Argument(help=".eml files to put in the inbox.")],
    received: Annotated[
        str | None,
        typer.Option(
            help="Receipt time (ISO 8601); default: the message's own Received/Date header."
        ),
    ] = None,
) -> None:
    """Put messages into the configured inbox as if the mail server had delivered them."""
    from datetime import datetime

    from bot.inbox.deliver import deliver

    moment = None
    if received:
        try:
            moment = datetime.fromisoformat(received)
        except ValueError:
            raise UserError(f"--received: {received!r} is not an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise UserError("--received: give a time zone offset, e.g. 2025-07-11T23:10:00-04:00")
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise UserError(f"{file}: {exc.strerror}") from None
        where = deliver(state.config, raw, moment)
        typer.echo(f"{file} -> {where}")


for staff_command in (review, accept, reject, withdraw, digest):  # bot.staff.commands
    app.command()(staff_command)
for job_command in (purge, reminders):  # bot.jobs.commands
    app.command()(job_command)


def main() -> None:
    """Console entry point: runs the app and turns failures into one line."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"nombot: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("NOMBOT_DEBUG"):
            raise
        typer.echo(
            f"nombot: internal error: {type(exc).__name__}: {exc} "
            "(set NOMBOT_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(1)
