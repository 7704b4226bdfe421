"""The housekeeping jobs from the command line: ``nombot purge [--dry-run]``, ``nombot
reminders [--dry-run]`` and ``nombot directory refresh`` do now what ``nombot run``
schedules."""

from typing import Annotated

import typer

from bot.console import services as build_services


def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be removed; remove nothing.")
    ] = False,
) -> None:
    """Remove the personal data of events past their retention period."""
    from bot.jobs.retention import due_purges
    from bot.jobs.retention import purge as purge_now

    services = build_services()
    plans = due_purges(services) if dry_run else purge_now(services)
    if not plans:
        typer.echo("nothing to purge: no event is past its retention period with data left")
        return
    verb = "would remove" if dry_run else "removed"
    for plan in plans:
        counts = ", ".join(f"{count} {name}" for name, count in plan.counts.items() if count)
        typer.echo(f"{plan.event} (due {plan.due_at.date().isoformat()}): {verb} {counts}")


def reminders(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the governments that would be reminded.")
    ] = False,
) -> None:
    """Send the reminders due now (the reminder days_before_deadline of each event)."""
    from sqlmodel import Session

    from bot.jobs.reminders import reminder_day, send_reminders
    from bot.notify.outbox.flush import flush_outbox
    from bot.policy.coverage import not_nominated
    from bot.store.models import utcnow

    services = build_services()
    if dry_run:
        now = utcnow()
        for event in services.events:
            day = reminder_day(event, now)
            if day is None:
                typer.echo(f"{event.slug}: no reminder due now")
                continue
            with Session(services.engine) as session:
                waiting = [g.country for g in not_nominated(session, event)]
            typer.echo(f"{event.slug} ({day.isoformat()}): {', '.join(waiting) or 'nobody'}")
        return
    report = send_reminders(services)
    flushed = flush_outbox(services.engine, services.config)
    reminded = sum(len(v) for v in report.reminded.values())
    typer.echo(f"{reminded} government(s) reminded, {report.mails} mail(s); {flushed.sent} sent")


def directory_refresh() -> None:
    """Fetch the directory from \\[directory] refresh_url now (as the scheduled job does)."""
    from bot.errors import UserError
    from bot.jobs.refresh import refresh_directory
    from bot.vocab import RefreshOutcome

    row = refresh_directory(build_services())
    if row is None:
        raise UserError("[directory] refresh_url: not configured")
    detail = row.error or f"{row.entries} entries, {row.added} added, {row.removed} removed"
    typer.echo(f"directory refresh {row.outcome}: {detail}")
    if row.outcome != RefreshOutcome.IMPORTED:
        raise typer.Exit(1)
