"""The policy: small named rules evaluated in a declared order, like a Mailman chain.

Each rule looks at the facts gathered about one message and, when it applies, returns a
human reason. The chain table says what a rule that applies does: ``ignore`` the
message, ``hold`` its nominees for review without answering, mark it ``unauthorized``,
``needs_info``, ``duplicate`` or ``late``. The first terminal action in chain order gives
the outcome; every rule that applies adds its reason and its participant flag, so a
late message from an unauthorized sender is ``unauthorized`` with both flags.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.message.authres import AuthVerdict
from bot.policy.events import Event
from bot.reading.analysis import Analysis, Nominee
from bot.store.directory import CPB_ROLES


@dataclass(frozen=True)
class Role:
    """A directory role held by the sender."""

    country: str
    role: str
    name: str = ""
    language: str | None = None  # the focal point's language, for replies


@dataclass
class ExistingParticipant:
    """What the database already holds for one address of this event."""

    email: str
    status: str
    government: str | None
    nominated_by: str | None


@dataclass
class Facts:
    """Everything the rules may look at; gathered by the pipeline, read-only here."""

    analysis: Analysis
    event: Event | None
    received_at: datetime
    auth: AuthVerdict
    require_auth_header: bool = False
    sender_roles: list[Role] = field(default_factory=list)
    governments_with_cpb: set[str] = field(default_factory=set)
    existing: dict[str, ExistingParticipant] = field(default_factory=dict)
    active_per_government: dict[str, int] = field(default_factory=dict)

    # Derived once by ``prepare``.
    eligible: Role | None = None
    fallback_blocked: list[Role] = field(default_factory=list)

    def prepare(self) -> "Facts":
        if self.event is None:
            return self
        spec = self.event.spec
        for role in self.sender_roles:
            if role.role in spec.nominating_roles:
                self.eligible = self.eligible or role
        for role in self.sender_roles:
            if role.role in spec.fallback_roles:
                if role.country in self.governments_with_cpb:
                    self.fallback_blocked.append(role)
                else:
                    self.eligible = self.eligible or role
        return self

    @property
    def addressed(self) -> list[Nominee]:
        return [p for p in self.analysis.participants if p.email]

    @property
    def new_nominees(self) -> list[Nominee]:
        return [p for p in self.addressed if not self._active(p.email)]

    @property
    def duplicates(self) -> list[Nominee]:
        return [p for p in self.addressed if self._active(p.email)]

    def _active(self, email: str | None) -> bool:
        row = self.existing.get(email or "")
        return row is not None and row.status in ("confirmed", "pending")


Check = Callable[[Facts], str | None]


@dataclass(frozen=True)
class Rule:
    """A named check; ``check`` returns the reason when the rule applies, else None."""

    name: str
    description: str
    check: Check


def _robot(facts: Facts) -> str | None:
    kind = facts.analysis.kind
    if kind in ("auto_reply", "bounce"):
        return f"automatic mail ({facts.analysis.robot_reason or kind}) is never answered"
    return None


def _not_a_nomination(facts: Facts) -> str | None:
    if facts.analysis.kind == "other":
        return facts.analysis.robot_reason or "not a nomination"
    return None


def _no_event(facts: Facts) -> str | None:
    if facts.event is None:
        return (
            f"belongs to no open call for nominations ({facts.analysis.route_reason or 'no match'})"
        )
    return None


def _auth_failed(facts: Facts) -> str | None:
    if facts.auth.failed:
        return f"sender authentication failed ({facts.auth.detail})"
    return None


def _unverified(facts: Facts) -> str | None:
    if facts.require_auth_header and facts.auth.result == "none":
        return "sender could not be verified (no Authentication-Results)"
    return None


def _sender_role(facts: Facts) -> str | None:
    if facts.eligible is not None or facts.fallback_blocked:
        return None
    roles = sorted({r.role for r in facts.sender_roles})
    if roles:
        return (
            f"sender holds {', '.join(roles)}, which does not nominate for this event "
            f"(nominating roles: {', '.join(facts.event.spec.nominating_roles)})"
        )
    return "sender is not in the focal-point directory"


def _fallback_role(facts: Facts) -> str | None:
    if facts.eligible is None and facts.fallback_blocked:
        blocked = facts.fallback_blocked[0]
        return (
            f"sender is {blocked.role} for {blocked.country}, which has a Cartagena "
            f"Protocol focal point ({'/'.join(CPB_ROLES)}) who nominates instead"
        )
    return None


def _addresses_present(facts: Facts) -> str | None:
    if facts.analysis.kind == "withdrawal" or facts.analysis.withdrawn:
        return None
    if not facts.addressed:
        missing = [p.name for p in facts.analysis.participants if not p.email and p.name]
        if missing:
            return f"no e-mail address for {', '.join(missing)}"
        return "no participant with an e-mail address could be read"
    return None


def _duplicate(facts: Facts) -> str | None:
    if facts.addressed and not facts.new_nominees and not facts.analysis.withdrawn:
        return "every nominee is already registered"
    return None


def _on_time(facts: Facts) -> str | None:
    if facts.event is not None and not facts.event.on_time(facts.received_at):
        local = facts.event.local(facts.received_at).strftime("%Y-%m-%d %H:%M %Z")
        deadline = facts.event.spec.deadline.strftime("%Y-%m-%d %H:%M")
        return f"received {local}, after the deadline {deadline} ({facts.event.spec.timezone})"
    return None


def _quota(facts: Facts) -> str | None:
    if facts.event is None or not facts.event.spec.max_per_government or facts.eligible is None:
        return None
    limit = facts.event.spec.max_per_government
    already = facts.active_per_government.get(facts.eligible.country, 0)
    if already + len(facts.new_nominees) > limit:
        return (
            f"{facts.eligible.country} may nominate {limit}; {already} already registered, "
            f"{len(facts.new_nominees)} more nominated"
        )
    return None


RULES = {
    rule.name: rule
    for rule in (
        Rule("robot", "Automatic replies and bounces are never answered.", _robot),
        Rule("not_a_nomination", "Mail that nominates nobody is left to staff.", _not_a_nomination),
        Rule("event", "The message belongs to an open call for nominations.", _no_event),
        Rule(
            "sender_authenticated",
            "The receiving server did not find the From forged.",
            _auth_failed,
        ),
        Rule(
            "sender_verified", "Optionally, the From must have been verified at all.", _unverified
        ),
        Rule("sender_role", "The sender holds a nominating role for this event.", _sender_role),
        Rule(
            "fallback_role",
            "A fallback role nominates only where no CPB focal point exists.",
            _fallback_role,
        ),
        Rule(
            "addresses_present",
            "At least one nominee has a valid e-mail address.",
            _addresses_present,
        ),
        Rule("duplicate", "Nominees already registered are not registered again.", _duplicate),
        Rule(
            "on_time", "Received (INTERNALDATE) by the deadline in the event's time zone.", _on_time
        ),
        Rule("quota", "No more nominees per government than the event allows.", _quota),
    )
}

# The chain: (rule, action, participant flag). Actions: ignore (no reply, nothing kept),
# hold (no reply, nominees kept pending for review), unauthorized, needs_info, duplicate,
# late (terminal outcomes, with a reply), flag (only adds the flag).
CHAIN: list[tuple[str, str, str | None]] = [
    ("robot", "ignore", None),
    ("not_a_nomination", "ignore", None),
    ("event", "ignore", None),
    ("sender_authenticated", "hold", "auth_failed"),
    ("sender_verified", "hold", "needs_review"),
    ("sender_role", "unauthorized", "unauthorized_sender"),
    ("fallback_role", "unauthorized", "unauthorized_sender"),
    ("addresses_present", "needs_info", None),
    ("duplicate", "duplicate", None),
    ("on_time", "late", "late"),
    ("quota", "flag", "over_quota"),
]
OUTCOME_OF_ACTION = {
    "ignore": "ignored",
    "hold": "ignored",
    "unauthorized": "unauthorized",
    "needs_info": "needs_info",
    "duplicate": "duplicate",
    "late": "late",
}
REPLY_OF_OUTCOME = {
    "accepted": "confirmation",
    "late": "late",
    "unauthorized": "unauthorized",
    "needs_info": "needs_info",
    "duplicate": "duplicate",
}


@dataclass
class Decision:
    """The outcome of one message and what it does to its nominees."""

    outcome: str
    action: str | None = None  # the terminal action that gave the outcome, if any
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    register: list[Nominee] = field(default_factory=list)
    over_quota: list[str] = field(default_factory=list)
    duplicates: list[Nominee] = field(default_factory=list)
    withdraw: list[str] = field(default_factory=list)
    reply: str | None = None

    @property
    def participant_status(self) -> str:
        return "pending" if self.flags else "confirmed"


def decide(facts: Facts, chain: list[tuple[str, str, str | None]] | None = None) -> Decision:
    """Run the chain over the facts and say what happens to the message."""
    facts.prepare()
    decision = Decision(outcome="accepted")
    terminal: str | None = None
    for name, action, flag in chain or CHAIN:
        reason = RULES[name].check(facts)
        if reason is None:
            continue
        decision.rules.append(name)
        decision.reasons.append(reason)
        if flag and flag not in decision.flags:
            decision.flags.append(flag)
        if action in ("ignore",) and terminal is None:
            decision.outcome, decision.action = "ignored", action
            return decision
        if action != "flag" and terminal is None:
            terminal = action
    if terminal:
        decision.outcome, decision.action = OUTCOME_OF_ACTION[terminal], terminal
    if decision.outcome in ("needs_info",):
        decision.flags = []
    else:
        decision.register = facts.new_nominees
        decision.duplicates = facts.duplicates
        decision.withdraw = list(facts.analysis.withdrawn) if terminal in (None, "late") else []
        if "quota" in decision.rules and facts.eligible is not None:
            room = max(
                facts.event.spec.max_per_government
                - facts.active_per_government.get(facts.eligible.country, 0),
                0,
            )
            decision.over_quota = [p.email for p in decision.register[room:] if p.email]
            decision.flags = [f for f in decision.flags if f != "over_quota"]
    if decision.outcome == "accepted" and not decision.register and decision.withdraw:
        decision.reply = "withdrawal"
    elif decision.action != "hold":
        decision.reply = REPLY_OF_OUTCOME.get(decision.outcome)
    return decision
