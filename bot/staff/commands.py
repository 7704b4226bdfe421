"""The staff's commands: the review queue, decisions on participants, and the digest."""

from typing import Annotated

import typer

from bot.console import services as _services
from bot.errors import UserError
from bot.staff import choices
from bot.vocab import Change

EventOption = Annotated[
    str | None, typer.Option(help="Event slug, when an address is registered for several.")
]
TargetsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ID|EMAIL",
        help="Participant IDs (the ID column of nombot participants, #N in nombot review) "
        "or e-mail addresses.",
        show_default=False,
    ),
]
FromMessageOption = Annotated[
    int | None,
    typer.Option(
        "--from-message",
        help="Every pending participant of this message (its #N in nombot review).",
        show_default=False,
    ),
]
NoteOption = Annotated[
    str | None,
    typer.Option(
        help="Staff's own note, stored with the decision and never mailed.", show_default=False
    ),
]
MessageOption = Annotated[
    str | None,
    typer.Option(
        "--message",
        help="Text mailed to the participant and their nominator, as a paragraph of the "
        "decision mail.",
        show_default=False,
    ),
]
# accept and withdraw took --reason for the note before --note existed; it is still the note.
OldReasonOption = Annotated[str | None, typer.Option("--reason", hidden=True)]


def review(
    event: Annotated[str | None, typer.Option(help="Only this event (slug).")] = None,
    flag: Annotated[
        str | None,
        typer.Option(
            help="Only participants with this flag: late, unauthorized_sender, auth_failed, "
            "over_quota, needs_review, undeliverable."
        ),
    ] = None,
    government: Annotated[
        str | None,
        typer.Option(help="Only this government: its code (KE), English name or ORG:<id>."),
    ] = None,
) -> None:
    """The review queue: every participant waiting for a staff decision, with reasons."""
    from bot.staff.review import QueueFilter, review_queue

    services = _services()
    wanted_flag = choices.flag(flag)
    wanted_event = choices.event(event, services.engine, [e.slug for e in services.events])
    queue = review_queue(services)
    in_queue = sorted({g for item in queue if (g := item.government)})
    wanted = QueueFilter(wanted_event, wanted_flag, choices.government(government, in_queue))
    items = [item for item in queue if wanted.matches(item)]
    if not items:
        others = f" with these filters ({len(queue)} pending in all)" if queue else ""
        typer.echo(f"nothing to review{others}")
        return
    for item in items:
        _print_item(services, item)
    typer.echo(
        f"{len(items)} pending; decide with: nombot accept ID|EMAIL…, "
        "nombot reject ID|EMAIL… --reason '…' (or --from-message N for every pending "
        "participant of message #N)"
    )


def _print_item(services, item) -> None:
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
            f"    message #{m.id} received {m.received_at.isoformat()} · auth "
            f"{m.auth_result or '?'} · subject: {m.subject or ''}"
        )


MAILED = "it is mailed to the participant and their nominator"


def _decide(
    action: Change,
    targets: list[str] | None,
    from_message: int | None,
    event: str | None,
    texts: dict[str, str | None],
) -> None:
    from bot.notify.outbox.flush import flush_outbox
    from bot.staff.review import decide_participant, decision_targets

    reason = choices.text("--reason", texts.get("reason"), f"say why ({MAILED})")
    message = choices.text("--message", texts.get("message"), "write it, or leave --message out")
    note = choices.text("--note", texts.get("note"), "write it, or leave --note out")
    if not targets and from_message is None:
        raise UserError("say which participants: IDs or addresses, or --from-message N")
    services = _services()
    event = choices.event(event, services.engine, [e.slug for e in services.events])
    ids = decision_targets(services, targets or [], from_message, event, action)
    rows = [
        decide_participant(services, str(i), action, reason, note=note, staff_message=message)
        for i in ids
    ]
    flushed = flush_outbox(services.engine, services.config)
    mails = f"; {flushed.sent} mail(s) sent" if flushed.sent else ""
    if flushed.deferred:
        mails += f"; {flushed.deferred} mail(s) wait for the mail server ({flushed.error})"
    for number, row in enumerate(rows, start=1):
        typer.echo(
            f"{row.email} ({row.event_slug}) is now {row.status}"
            + (mails if number == len(rows) else "")
        )


def _note(note: str | None, old_reason: str | None) -> str | None:
    if note is not None and old_reason is not None:
        raise UserError("--note and --reason: give one (both are the note kept with the decision)")
    return note if note is not None else old_reason


def accept(
    targets: TargetsArgument = None,
    from_message: FromMessageOption = None,
    event: EventOption = None,
    note: NoteOption = None,
    message: MessageOption = None,
    old_reason: OldReasonOption = None,
) -> None:
    """Confirm participants (mails each of them and their nominator)."""
    texts = {"note": _note(note, old_reason), "message": message}
    _decide(Change.ACCEPT, targets, from_message, event, texts)


def reject(
    targets: TargetsArgument = None,
    reason: Annotated[
        str | None,
        typer.Option(
            help=f"Why. Required: {MAILED}, in the sentence that says they are not registered.",
            show_default=False,
        ),
    ] = None,
    from_message: FromMessageOption = None,
    event: EventOption = None,
    note: NoteOption = None,
    message: MessageOption = None,
) -> None:
    """Reject participants, with a reason (mails each of them and their nominator)."""
    if reason is None:
        raise UserError(f"--reason: required; say why ({MAILED})")
    texts = {"reason": reason, "note": note, "message": message}
    _decide(Change.REJECT, targets, from_message, event, texts)


def withdraw(
    targets: TargetsArgument = None,
    event: EventOption = None,
    note: NoteOption = None,
    message: MessageOption = None,
    old_reason: OldReasonOption = None,
) -> None:
    """Withdraw participants (mails each of them and their nominator)."""
    _decide(
        Change.WITHDRAW, targets, None, event, {"note": _note(note, old_reason), "message": message}
    )


def digest(
    print_it: Annotated[bool, typer.Option("--print", help="Print today's digest.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Send it to \\[digest] to.")] = False,
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
