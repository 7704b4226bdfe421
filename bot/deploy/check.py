"""``nombot check``: whether a deployment is ready to run, one line per check.

Part of the deployment tooling (``bot.deploy``), registered by ``bot.cli``. In order: the
configuration, the rules (every event file loads), the templates (each rendered with
sample data), the database (a connection) and its schema (the current alembic revision
against the newest), the inbox (IMAP: connection, login, folder; or the Maildir) and the
outgoing mail (SMTP: connection, STARTTLS, login; or the Maildir). Servers get 5 seconds.
Nothing is fetched, sent, created or migrated. A failed check is named on the last line
and the exit status is 1.
"""

import contextlib
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

from bot.config import Config, MailUrl, parse_mail_url
from bot.console import state
from bot.errors import UserError

TIMEOUT = 5.0  # seconds, for every server


@dataclass(frozen=True)
class Result:
    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':<4} {self.name:<9} {self.detail}"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _quick(config: Config) -> Config:
    """The configuration with the servers' timeouts cut to TIMEOUT."""
    inbox = config.inbox.model_copy(update={"timeout": min(config.inbox.timeout, TIMEOUT)})
    outbox = config.outbox.model_copy(update={"timeout": min(config.outbox.timeout, TIMEOUT)})
    return config.model_copy(update={"inbox": inbox, "outbox": outbox})


def check_rules(config: Config) -> Result:
    from bot.app import load_rules

    events = load_rules(config)
    slugs = ", ".join(e.slug for e in events) or "none"
    return Result(True, "rules", f"{config.rules_path}: {len(events)} event(s): {slugs}")


def check_templates(config: Config) -> Result:
    from bot.app import mail_writer

    writer = mail_writer(config)
    writer.check()
    where = f"{config.templates_path} over the packaged ones" if config.templates_path else None
    languages = " ".join(writer.languages())
    return Result(
        True, "templates", f"{where or 'packaged'}: rendered with sample data ({languages})"
    )


def _sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        return Path(url[len(prefix) :].split("?", 1)[0])
    return None


def _writable(path: Path) -> bool:
    """Whether ``path`` can be written, or created in its nearest existing parent."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return os.access(path, os.W_OK)


# The driver's name for a connection timeout, per SQLAlchemy dialect.
CONNECT_TIMEOUT = {"sqlite": "timeout", "postgresql": "connect_timeout"}


def _revisions(url: str) -> str | None:
    """The schema's current revision, after a connection that must open within TIMEOUT."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.store.db import current_revision

    option = CONNECT_TIMEOUT.get(make_url(url).get_backend_name())
    engine = create_engine(url, connect_args={option: TIMEOUT} if option else {})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return current_revision(engine)
    finally:
        engine.dispose()


def check_database(config: Config) -> list[Result]:
    """A connection, then the schema's revision against the newest migration."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import head_revision

    url = config.database_url
    head = head_revision(url)
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError as exc:
        return [Result(False, "database", f"database.url: {_first_line(exc)}")]
    file = _sqlite_file(url)
    if file is not None and not file.exists():
        if not _writable(file):
            return [Result(False, "database", f"{shown}: cannot create {file}: not writable")]
        return [
            Result(True, "database", f"{shown} (no file yet: `nombot db upgrade` creates it)"),
            Result(False, "schema", f"empty, the newest is {head}: run `nombot db upgrade`"),
        ]
    try:
        current = _revisions(url)
    except SQLAlchemyError as exc:
        return [Result(False, "database", f"{shown}: {_first_line(exc)}")]
    found = Result(True, "database", shown)
    if current == head:
        return [found, Result(True, "schema", f"at {head}, the newest")]
    if current is None:
        return [
            found,
            Result(False, "schema", f"empty, the newest is {head}: run `nombot db upgrade`"),
        ]
    behind = f"at {current}, the newest is {head}: back up the database, then `nombot db upgrade`"
    return [found, Result(False, "schema", behind)]


def _reach(host: str, port: int) -> str | None:
    """None if a TCP connection to host:port opens within TIMEOUT, else why not."""
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT):
            return None
    except socket.gaierror as exc:
        return f"unknown host ({exc.strerror})"
    except TimeoutError:
        return f"no answer within {TIMEOUT:g} s"
    except OSError as exc:
        return (exc.strerror or _first_line(exc)).lower()


def check_maildir(name: str, path: Path) -> Result:
    where = f"maildir:{path}"
    if path.exists() and not path.is_dir():
        return Result(False, name, f"{where}: not a folder")
    if not _writable(path):
        return Result(False, name, f"{where}: not writable")
    if not path.exists():
        return Result(True, name, f"{where} (created on first use)")
    waiting = sum(1 for _ in (path / "new").iterdir()) if (path / "new").is_dir() else 0
    return Result(True, name, f"{where} ({waiting} new)" if name == "inbox" else where)


def check_imap(config: Config, url: MailUrl) -> Result:
    from bot.inbox.imap import connect

    port = url.port or (993 if url.scheme == "imaps" else 143)
    user = f"{url.username}@" if url.username else ""
    where = f"{url.scheme}://{user}{url.host}:{port}/{url.folder}"
    unreachable = _reach(url.host, port)
    if unreachable:
        return Result(False, "imap", f"{url.host}:{port}: {unreachable}")
    try:
        client = connect(config, url)
    except Exception as exc:  # a check reports what went wrong; it does not stop
        return Result(False, "imap", f"{where}: {_first_line(exc)}")
    try:
        selected = client.select_folder(url.folder, readonly=True)
        count = int(selected.get(b"EXISTS", 0))
    except Exception as exc:  # imapclient's errors, the socket's
        return Result(False, "imap", f"{where}: folder {url.folder}: {_first_line(exc)}")
    finally:
        with contextlib.suppress(Exception):  # the check is done; a failed goodbye changes nothing
            client.logout()
    return Result(True, "imap", f"{where} ({count} message(s))")


def check_smtp(config: Config, url: MailUrl) -> Result:
    from bot.notify.outbox import PermanentFailure, TemporaryFailure
    from bot.notify.outbox.smtp import SmtpTransport

    host = url.host or "localhost"
    port = url.port or (465 if url.scheme == "smtps" else 25)
    user = config.outbox.username or url.username
    where = f"{url.scheme}://{user + '@' if user else ''}{host}:{port}"
    unreachable = _reach(host, port)
    if unreachable:
        return Result(False, "smtp", f"{host}:{port}: {unreachable}")
    try:
        with SmtpTransport(config, url):
            pass
    except (TemporaryFailure, PermanentFailure, UserError) as exc:
        return Result(False, "smtp", f"{where}: {exc}")
    except Exception as exc:  # a check reports what went wrong; it does not stop
        return Result(False, "smtp", f"{where}: {_first_line(exc)}")
    return Result(True, "smtp", where)


def check_mail(config: Config) -> list[Result]:
    inbox, outbox = parse_mail_url(config.inbox.url), parse_mail_url(config.outbox.url)
    results = [
        check_maildir("inbox", config.path(inbox.path))
        if inbox.scheme == "maildir"
        else check_imap(config, inbox)
    ]
    results.append(
        check_maildir("outbox", config.path(outbox.path))
        if outbox.scheme == "maildir"
        else check_smtp(config, outbox)
    )
    return results


def _guarded(name: str, check: Callable[[Config], Result | list[Result]], config: Config):
    """The check's results, or one failed line with the error a person can fix."""
    try:
        found = check(config)
    except UserError as exc:
        return [Result(False, name, str(exc))]
    return found if isinstance(found, list) else [found]


def run_checks() -> list[Result]:
    """Every check, in order; stops after the configuration if it cannot be read."""
    try:
        config = state.config
    except UserError as exc:
        return [Result(False, "config", str(exc))]
    where = str(config.source) if config.source else "(defaults)"
    results = [Result(True, "config", where)]
    config = _quick(config)
    steps: tuple[tuple[str, Callable], ...] = (
        ("rules", check_rules),
        ("templates", check_templates),
        ("database", check_database),
        ("mail", check_mail),
    )
    for name, step in steps:
        results += _guarded(name, step, config)
    return results


def check_command() -> None:
    """Check the configuration, rules, templates, database, inbox and outgoing mail."""
    results = run_checks()
    for result in results:
        typer.echo(result.line())
    failed = [r.name for r in results if not r.ok]
    if failed:
        typer.echo(f"nombot: check failed: {', '.join(failed)}", err=True)
        raise typer.Exit(1)
    typer.echo(f"all {len(results)} checks passed")
