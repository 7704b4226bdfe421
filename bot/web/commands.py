"""The commands of the staff interface: ``nombot staff add|list|remove`` (accounts) and
``nombot web`` (serve the pages with uvicorn). Registered on the CLI by ``bot.cli``.

A password is read from a prompt (twice, not echoed) or, when standard input is not a
terminal, from its first line — never from the command line, where other users of the
machine and the shell history would see it.
"""

import getpass
import sys
from typing import Annotated

import typer

from bot.console import services as _services
from bot.console import state, table
from bot.errors import UserError
from bot.vocab import StaffRole

staff_app = typer.Typer(no_args_is_help=True, help="Staff accounts of the web interface.")


def read_password() -> str:
    """The new password: typed twice at a terminal, else the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("The same password again: ") != first:
            raise UserError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UserError("no password: type it at the prompt or give it on standard input")
    return line.rstrip("\r\n")


@staff_app.command("add")
def staff_add(
    email: Annotated[str, typer.Argument(help="The staff member's address.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Their name.", show_default=False)],
    role: Annotated[
        StaffRole, typer.Option("--role", help="decider (decides) or viewer (reads only).")
    ] = StaffRole.DECIDER,
) -> None:
    """Create an account for the web interface (password from a prompt or stdin)."""
    from bot.store.db import open_database
    from bot.web.accounts import add_account, check_password

    password = check_password(read_password())
    account = add_account(open_database(state.config.database_url), email, name, role, password)
    typer.echo(f"{account.email} ({account.role}) may now sign in to nombot web")


@staff_app.command("list")
def staff_list() -> None:
    """The accounts of the web interface."""
    from bot.store.db import open_database
    from bot.web.accounts import list_accounts

    rows = [
        {
            "email": a.email,
            "name": a.name,
            "role": a.role,
            "created": a.created_at.isoformat(timespec="minutes"),
            "last sign-in": a.last_login_at.isoformat(timespec="minutes")
            if a.last_login_at
            else "",
        }
        for a in list_accounts(open_database(state.config.database_url))
    ]
    table(rows, ("email", "name", "role", "created", "last sign-in"), f"{len(rows)} account(s)")


@staff_app.command("remove")
def staff_remove(
    email: Annotated[str, typer.Argument(help="The account's address.", show_default=False)],
) -> None:
    """Delete an account; its open sessions end at their next request."""
    from bot.store.db import open_database
    from bot.web.accounts import remove_account

    remove_account(open_database(state.config.database_url), email)
    typer.echo(f"{email.strip().lower()} may no longer sign in")


def web(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default \\[web] host, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default \\[web] port, 8080).")] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For/-Proto are believed (default \\[web] "
            "forwarded_allow_ips, 127.0.0.1; '*' trusts any).",
        ),
    ] = None,
) -> None:
    """Serve the staff web interface (put a reverse proxy with TLS in front of it)."""
    import uvicorn

    from bot.config import secret
    from bot.web.app import check_secret, create_app

    settings = state.config.web
    key = check_secret(secret(settings.secret_env, "web"), settings.secret_env)
    app = create_app(_services(), key)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips or settings.forwarded_allow_ips,
        server_header=False,
        log_level="info",
    )
