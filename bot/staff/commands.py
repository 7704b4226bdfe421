"""The staff's commands: the review queue, decisions on participants, and the digest."""

from typing import Annotated

import typer

from bot.console import services as _services
from bot.errors import UserError
from bot.vocab import Change

EventOption = Annotated[
    str | None, typer.Option(help="Event slug, when the address is in several.")
]


def review() -> None:
    """The review queue: every participant waiting for a staff decision, with reasons."""
    from bot.staff.review import review_queue

    services = _services()
    items = review_queue(services)
    if not items:
        typer.echo("nothing to review")
        return
    for item in items:
        p = item.participant
        typer.echo(
            f"#{p.id} {p.event_slug}: {p.name or '?'} <{p.email}> — pending "
            f"[{', '.join(p.flags) or 'no flag'}]"
        )
        for reason in p.reasons:
            typer.echo(f"    why: {services.writer.describe_reason(reason, 'en')}")
        if item.nomination is not None:
            typer.echo(
                f"    nominated by {item.nomination.nominator_email} "
                f"(role {item.nomination.nominator_role or 'none found'}, government "
                f"{item.nomination.government or '?'})"
            )
        if item.message is not None:
            m = item.message
            typer.echo(
                f"    received {m.received_at.isoformat()} · auth {m.auth_result or '?'} "
                f"· subject: {m.subject or ''}"
            )
    typer.echo(
        f"{len(items)} pending; decide with: nombot accept ID|EMAIL, "
        "nombot reject ID|EMAIL --reason '…'"
    )


def _decide(target: str, action: Change, reason: str | None, event: str | None) -> None:
    from bot.notify.outbox.flush import flush_outbox
    from bot.staff.review import decide_participant

    services = _services()
    row = decide_participant(services, target, action, reason, event)
    flushed = flush_outbox(services.engine, services.config)
    note = f"; {flushed.sent} mail(s) sent" if flushed.sent else ""
    if flushed.deferred:
        note += f"; {flushed.deferred} mail(s) wait for the mail server ({flushed.error})"
    typer.echo(f"{row.email} ({row.event_slug}) is now {row.status}{note}")


def accept(
    target: Annotated[str, typer.Argument(help="Participant id or e-mail address.")],
    event: EventOption = None,
    reason: Annotated[str | None, typer.Option(help="Why (stored with the decision).")] = None,
) -> None:
    """Confirm a pending participant (mails them and their nominator)."""
    _decide(target, Change.ACCEPT, reason, event)


def reject(
    target: Annotated[str, typer.Argument(help="Participant id or e-mail address.")],
    reason: Annotated[str, typer.Option(help="Why (told to the participant and nominator).")],
    event: EventOption = None,
) -> None:
    """Reject a participant, with a reason."""
    _decide(target, Change.REJECT, reason, event)


def withdraw(
    target: Annotated[str, typer.Argument(help="Participant id or e-mail address.")],
    event: EventOption = None,
    reason: Annotated[str | None, typer.Option(help="Why (stored with the decision).")] = None,
) -> None:
    """Withdraw a participant."""
    _decide(target, Change.WITHDRAW, reason, event)


def digest(
    print_it: Annotated[bool, typer.Option("--print", help="Print today's digest.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Send it to [digest] to.")] = False,
) -> None:
    """The staff digest: outcomes, the review queue, governments not yet nominated, health."""
    from bot.notify.outbox.flush import flush_outbox
    from bot.staff.digest import build_digest, queue_digest, render_digest

    if print_it == send:
        raise UserError("say --print or --send")
    services = _services()
    report = build_digest(services)
    if print_it:
        text, _, subject = render_digest(services, report)
        typer.echo(f"{subject}\n\n{text}")
        return
    if not services.config.digest.to:
        raise UserError("[digest] to: no recipient configured")
    if not queue_digest(services, report):
        typer.echo(f"today's digest ({report.day.isoformat()}) was already sent")
        return
    flushed = flush_outbox(services.engine, services.config)
    typer.echo(
        f"digest for {report.day.isoformat()} queued for "
        f"{', '.join(services.config.digest.to)}; {flushed.sent} mail(s) sent"
    )


