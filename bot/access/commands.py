"""The ``nombot access …`` commands: publish an event's access, import participants' own
links, resend one participant's access mail. Registered on the CLI by ``bot.cli``."""

from pathlib import Path
from typing import Annotated

import typer

from bot.console import services as _services
from bot.errors import UserError

access_app = typer.Typer(
    no_args_is_help=True, help="Access instructions and calendar invitations for participants."
)
links_app = typer.Typer(no_args_is_help=True, help="Participants' own links to the event.")
access_app.add_typer(links_app, name="links")

EventOption = Annotated[
    str | None, typer.Option(help="Event slug (needed when several events have access).")
]
MAX_LISTED = 20


@access_app.command("publish")
def publish_command(
    slug: Annotated[str, typer.Argument(help="The event (its slug).", show_default=False)],
) -> None:
    """Publish now: every confirmed participant gets their access mail at the next flush."""
    from bot.access.publish import publish

    report = publish(_services(), slug)
    assert report.published_at is not None
    when = report.published_at.isoformat(timespec="seconds")
    state = f"published at {when}" if report.newly_published else f"already published at {when}"
    cancelled = f", {len(report.cancelled)} cancellation(s)" if report.cancelled else ""
    typer.echo(
        f"{slug}: access {state}; {len(report.access)} access mail(s){cancelled} queued "
        "(sent at the next outbox flush)"
    )
    for address, why in list(report.failed.items())[:MAX_LISTED]:
        typer.echo(f"warning: no access mail for {address}: {why}", err=True)
    if report.failed:
        typer.echo(
            f"warning: {len(report.failed)} participant(s) still without access mail; fix the "
            "cause and publish again (or let the dispatch job retry)",
            err=True,
        )


def _event_with_access(services, slug: str | None) -> str:
    if slug is not None:
        if services.event(slug) is None:
            raise UserError(f"no event {slug!r}")
        return slug
    candidates = [e.slug for e in services.events if e.access is not None] or [
        e.slug for e in services.events
    ]
    if len(candidates) != 1:
        raise UserError(f"say which event with --event ({', '.join(candidates) or 'none'})")
    return candidates[0]


@links_app.command("import")
def links_import(
    file: Annotated[Path, typer.Argument(help="CSV with an email,url header.", show_default=False)],
    event: EventOption = None,
) -> None:
    """Import participants' own links (used instead of the event's url)."""
    from sqlmodel import Session

    from bot.access.links import import_links, read_links

    links = read_links(file)
    services = _services()
    slug = _event_with_access(services, event)
    with Session(services.engine) as session:
        report = import_links(session, slug, links)
        session.commit()
    typer.echo(f"{slug}: {report.summary()}")
    if report.already_sent:
        listed = ", ".join(report.already_sent[:MAX_LISTED])
        more = len(report.already_sent) - MAX_LISTED
        typer.echo(
            f"{len(report.already_sent)} of them already had their access mail "
            f"(nombot access resend EMAIL sends the new link): {listed}"
            + (f" (+{more})" if more > 0 else "")
        )


@access_app.command("resend")
def resend(
    email: Annotated[str, typer.Argument(help="The participant's address.", show_default=False)],
    event: EventOption = None,
) -> None:
    """Queue a fresh copy of a participant's access mail and send it."""
    from bot.access.resend import resend_access
    from bot.notify.outbox.flush import flush_outbox

    services = _services()
    row = resend_access(services, email, event)
    flushed = flush_outbox(services.engine, services.config)
    note = f"; {flushed.sent} mail(s) sent" if flushed.sent else ""
    if flushed.deferred:
        note += f"; {flushed.deferred} mail(s) wait for the mail server ({flushed.error})"
    typer.echo(f"access for {row.email} ({row.event_slug}) queued again{note}")
