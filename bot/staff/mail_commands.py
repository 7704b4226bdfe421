"""Decisions by e-mail: the lines a staff member writes in a reply to the digest (or in
any mail to the bot), such as ``ACCEPT 12``, ``REJECT 14 duplicate of 9`` or
``WITHDRAW x@example.org``.

Place in the pipeline: ``bot.processing.message`` hands a message here instead of to the
rule chain when its From is one of ``[staff] addresses`` and the receiving server's
``Authentication-Results`` pass for it (``bot.processing.staff_mail``). Commands are read
only from the lines the sender wrote (the ``own`` zone of ``bot.reading.zones``), never
from quoted or forwarded text. Each is applied with ``bot.staff.review.record_decision``
in the message's transaction, so a decision and the message that carried it are written
together; a decision already taken is left alone and reported, so the same command twice
does nothing the second time. The verbs of every language are data
(``[commands]`` of ``bot/reading/languages/*.toml``).
"""

import re
from dataclasses import dataclass, field
from functools import cache

from sqlmodel import Session

from bot.app import Services
from bot.message.parse import ParsedMail
from bot.reading import Line
from bot.reading.context import AnalysisContext
from bot.reading.gathering import body_lines
from bot.reading.lexicon import lexicon
from bot.reading.zones import split_zones
from bot.staff.review import STATUS_OF_ACTION, matching_participants, record_decision
from bot.store.models import Participant
from bot.text import fold_accents, squeeze
from bot.vocab import Change, CommandStatus

MAX_COMMANDS = 200  # lines acted on per message; the rest are reported as not read
MAX_REASON = 500
_ACTIONS = (Change.ACCEPT, Change.REJECT, Change.WITHDRAW)
_ID = re.compile(r"^#?(\d{1,9})[.,;:]?$")
_ADDRESS = re.compile(r"^<?(?:mailto:)?([^\s<>@,;]+@[^\s<>@,;]+?\.[^\s<>@,;]+?)>?[.,;:]?$", re.I)
_MAILTO_SUFFIX = re.compile(r"<mailto:[^>]*>", re.I)
_REASON_LEAD = re.compile(r"^[\s:–—-]+")


@cache
def _verbs() -> dict[str, Change]:
    """Every language's verbs, folded, to the action they name (built once)."""
    words = lexicon()
    return {verb: action for action in _ACTIONS for verb in words.words("commands", action)}


@dataclass(frozen=True)
class Command:
    """One line read as a decision: its action, the participants it names, the reason."""

    line: str
    action: Change
    targets: tuple[str, ...]
    reason: str | None = None
    clear: bool = True  # False: words follow the targets of a command that takes none


@dataclass
class CommandResult:
    """What one command did to one participant (or why it did nothing)."""

    line: str
    action: Change
    status: CommandStatus
    target: str
    participant: dict = field(default_factory=dict)  # id, name, email, event, status


def _target(token: str) -> str | None:
    """A participant's number (``12``, ``#12``) or address, as written in a command."""
    found = _ID.match(token)
    if found:
        return found.group(1)
    found = _ADDRESS.match(token)
    return found.group(1).lower() if found else None


def read_command(text: str) -> Command | None:
    """The command a line gives, or None when it is not one (prose, greetings)."""
    line = squeeze(_MAILTO_SUFFIX.sub(" ", text)).strip(" *-•")
    tokens = line.split()
    if len(tokens) < 2:
        return None
    action = _verbs().get(fold_accents(tokens[0].rstrip(":")).lower())
    if action is None:
        return None
    rest, targets = tokens[1:], []
    while rest and (target := _target(rest[0])) is not None:
        targets.append(target)
        rest = rest[1:]
    if not targets:
        return None
    reason = _REASON_LEAD.sub("", " ".join(rest))[:MAX_REASON].strip() or None
    # A rejection needs its reason and a withdrawal may give one; an acceptance takes
    # nothing after its targets ("Accept 3 of them" is not ACCEPT 3).
    clear = action != Change.ACCEPT or reason is None
    return Command(line[:MAX_REASON], action, tuple(targets), reason, clear)


def own_lines(mail: ParsedMail, context: AnalysisContext) -> list[str]:
    """The lines the sender wrote: not quoted history, forwards or the signature."""
    lines: list[Line]
    lines, _ = body_lines(mail)
    segments = split_zones(lines, mail.subject, context.own_addresses, context.own_domains)
    return [line for s in segments if s.zone == "own" for line in s.lines if isinstance(line, str)]


def read_commands(lines: list[str]) -> list[Command]:
    return [command for line in lines if (command := read_command(line)) is not None]


def _view(row: Participant) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "event": row.event_slug,
        "status": str(row.status),
    }


def _apply_one(
    services: Services, session: Session, command: Command, target: str, who: str, note: str
) -> CommandResult:
    result = CommandResult(command.line, command.action, CommandStatus.DONE, target)
    if not command.clear:
        result.status = CommandStatus.UNCLEAR
        return result
    if command.action == Change.REJECT and not command.reason:
        result.status = CommandStatus.NO_REASON
        return result
    rows = matching_participants(session, target, None)
    if len(rows) != 1:
        result.status = CommandStatus.AMBIGUOUS if rows else CommandStatus.UNKNOWN
        return result
    row = rows[0]
    result.participant = _view(row)
    if row.status == STATUS_OF_ACTION[command.action]:
        result.status = CommandStatus.UNCHANGED
        return result
    record_decision(
        services, session, row, command.action, command.reason, who, note=note
    )  # fmt: skip
    result.participant = _view(row)
    return result


def apply_commands(
    services: Services, session: Session, commands: list[Command], who: str, note: str
) -> list[CommandResult]:
    """Carry out each command in the open transaction; the caller commits."""
    results = []
    for number, command in enumerate(commands):
        if number >= MAX_COMMANDS:
            results += [
                CommandResult(c.line, c.action, CommandStatus.NOT_READ, "")
                for c in commands[number:]
            ]
            break
        for target in command.targets:
            results.append(_apply_one(services, session, command, target, who, note))
    return results
