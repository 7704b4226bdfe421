"""The policy as a table: which rules run, in which order, and what each one's hit does.

Like a Mailman chain, every rule is evaluated (until an ``ignore``), each hit adds its
reason and its participant flag — to the addresses it names, or to every nominee — and
the first hit whose action ends the message gives the outcome through ``EFFECTS``. With
no such hit the message is accepted. ``decide`` does nothing else: what a message's
outcome means for its nominees, its reply and its folder is read from the tables below.
"""

from dataclasses import dataclass, field

from bot.policy.facts import Facts
from bot.policy.rules import RULES
from bot.reading.analysis import Nominee
from bot.vocab import Action, Flag, Folder, Outcome, Reason, Template


@dataclass(frozen=True)
class Link:
    """One row of the chain: a rule, what its hit does, and the flag it puts on nominees."""

    rule: str
    action: Action
    flag: Flag | None = None


CHAIN: tuple[Link, ...] = (
    Link("robot", Action.IGNORE),
    Link("not_a_nomination", Action.IGNORE),
    Link("no_open_event", Action.IGNORE),
    Link("cue_less_from_stranger", Action.IGNORE),
    Link("auth_failed", Action.HOLD, Flag.AUTH_FAILED),
    Link("unverified_sender", Action.HOLD, Flag.NEEDS_REVIEW),
    Link("not_a_nominating_role", Action.UNAUTHORIZED, Flag.UNAUTHORIZED_SENDER),
    Link("fallback_blocked", Action.UNAUTHORIZED, Flag.UNAUTHORIZED_SENDER),
    Link("no_address", Action.NEEDS_INFO),
    Link("all_duplicates", Action.DUPLICATE),
    Link("late", Action.LATE, Flag.LATE),
    Link("over_quota", Action.FLAG, Flag.OVER_QUOTA),
    Link("previously_rejected", Action.FLAG, Flag.NEEDS_REVIEW),
    Link("read_by_ocr", Action.FLAG, Flag.NEEDS_REVIEW),
    Link("withdrawal_not_permitted", Action.REFUSE_WITHDRAWAL),
    Link("withdrawal_only", Action.ANSWER_WITHDRAWAL),
    Link("reply_cap", Action.NO_REPLY),
)


@dataclass(frozen=True)
class Effect:
    """What a message's deciding action means."""

    outcome: Outcome
    reply: Template | None  # the automatic reply to the sender
    registers: bool  # its nominees are recorded (confirmed, or pending with flags)
    withdraws: bool  # its withdrawals are carried out
    keeps: bool = True  # a nomination record is kept at all


ACCEPT = Effect(Outcome.ACCEPTED, Template.CONFIRMATION, registers=True, withdraws=True)
EFFECTS: dict[Action, Effect] = {
    Action.IGNORE: Effect(Outcome.IGNORED, None, registers=False, withdraws=False, keeps=False),
    Action.HOLD: Effect(Outcome.HELD, None, registers=True, withdraws=False),
    Action.UNAUTHORIZED: Effect(
        Outcome.UNAUTHORIZED, Template.UNAUTHORIZED, registers=True, withdraws=False
    ),
    Action.NEEDS_INFO: Effect(
        Outcome.NEEDS_INFO, Template.NEEDS_INFO, registers=False, withdraws=False
    ),
    Action.DUPLICATE: Effect(
        Outcome.DUPLICATE, Template.DUPLICATE, registers=True, withdraws=False
    ),
    Action.LATE: Effect(Outcome.LATE, Template.LATE, registers=True, withdraws=True),
    Action.ANSWER_WITHDRAWAL: Effect(
        Outcome.ACCEPTED, Template.WITHDRAWAL, registers=True, withdraws=True
    ),
}

# Where a message goes by its outcome: (when the bot acted on it, when it did not).
FOLDERS: dict[Outcome, tuple[Folder, Folder]] = {
    Outcome.ACCEPTED: (Folder.PROCESSED, Folder.PROCESSED),
    Outcome.DUPLICATE: (Folder.PROCESSED, Folder.PROCESSED),
    Outcome.NEEDS_INFO: (Folder.PROCESSED, Folder.PROCESSED),
    Outcome.LATE: (Folder.REVIEW, Folder.REVIEW),
    Outcome.UNAUTHORIZED: (Folder.REVIEW, Folder.REVIEW),
    Outcome.HELD: (Folder.REVIEW, Folder.REVIEW),
    Outcome.ERROR: (Folder.REVIEW, Folder.REVIEW),
    Outcome.IGNORED: (Folder.PROCESSED, Folder.INBOX),
    Outcome.STAFF_COMMANDS: (Folder.PROCESSED, Folder.PROCESSED),
}


def folder_for(outcome: Outcome, acted: bool) -> Folder:
    when_acted, otherwise = FOLDERS[outcome]
    return when_acted if acted else otherwise


@dataclass
class Decision:
    """The outcome of one message and what it does to its nominees."""

    outcome: Outcome
    effect: Effect
    action: Action | None = None  # the action that gave the outcome, if any
    reasons: list[Reason] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)  # for every registered nominee
    flags_by_address: dict[str, list[Flag]] = field(default_factory=dict)
    register: list[Nominee] = field(default_factory=list)
    duplicates: list[Nominee] = field(default_factory=list)
    withdraw: list[str] = field(default_factory=list)
    refused_withdrawals: list[str] = field(default_factory=list)
    reply: Template | None = None

    def flags_for(self, address: str | None) -> list[Flag]:
        return sorted({*self.flags, *self.flags_by_address.get(address or "", [])})


def _note(decision: Decision, link: Link, subjects: tuple[str, ...] | None) -> None:
    if link.flag is None:
        return
    if subjects is None:
        if link.flag not in decision.flags:
            decision.flags.append(link.flag)
        return
    for address in subjects:
        decision.flags_by_address.setdefault(address, []).append(link.flag)


def decide(facts: Facts, chain: tuple[Link, ...] = CHAIN) -> Decision:
    """Run the chain over the facts and say what happens to the message."""
    decision = Decision(Outcome.ACCEPTED, ACCEPT)
    silent = False
    for link in chain:
        found = RULES[link.rule].check(facts)
        if found is None:
            continue
        decision.rules.append(link.rule)
        decision.reasons.append(found.reason)
        _note(decision, link, found.subjects)
        if link.action == Action.NO_REPLY:
            silent = True
        elif link.action == Action.REFUSE_WITHDRAWAL:
            decision.refused_withdrawals = list(found.subjects or ())
        elif link.action in EFFECTS and decision.action is None:
            decision.action, decision.effect = link.action, EFFECTS[link.action]
            decision.outcome = decision.effect.outcome
            if link.action == Action.IGNORE:
                break
    effect = decision.effect
    if effect.registers:
        decision.register = facts.new_nominees
        decision.duplicates = facts.duplicates
    if effect.withdraws:
        refused = set(decision.refused_withdrawals)
        decision.withdraw = [a for a in facts.withdrawals if a not in refused]
    decision.reply = None if silent else effect.reply
    return decision
