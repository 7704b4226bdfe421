"""What the rules may look at about one message: the reading, the event, the sender's
roles, the registered participants it touches, and counts — gathered here, every
database read the policy needs in one place, then handed to the chain read-only.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from bot.message.authres import AuthVerdict
from bot.policy.events import Event
from bot.reading.analysis import Analysis, Nominee
from bot.reading.names import same_person
from bot.store.directory import governments_with_role, roles_of
from bot.store.models import OutboxMail, Participant, utcnow
from bot.vocab import ACTIVE_STATUSES, NOMINATING_KINDS, ParticipantStatus


@dataclass(frozen=True)
class Role:
    """A directory role held by the sender."""

    country: str
    role: str
    name: str = ""
    language: str | None = None  # the focal point's language, for replies


@dataclass(frozen=True)
class ExistingParticipant:
    """What the database already holds for one address of this event."""

    email: str
    status: ParticipantStatus
    government: str | None
    nominated_by: str | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True)
class PolicySettings:
    """The configuration's policy knobs that rules read."""

    require_auth_header: bool = False
    daily_reply_cap: int = 10


@dataclass
class Facts:
    """Everything the rules may look at; read-only once gathered."""

    analysis: Analysis
    event: Event | None
    received_at: datetime
    auth: AuthVerdict
    settings: PolicySettings = field(default_factory=PolicySettings)
    sender_roles: list[Role] = field(default_factory=list)
    governments_blocking_fallback: set[str] = field(default_factory=set)
    existing: dict[str, ExistingParticipant] = field(default_factory=dict)
    active_per_government: dict[str, int] = field(default_factory=dict)
    replies_today: int = 0
    # Registered participants the message names without their address: withdrawn by name
    # (address -> the name given), and address corrections (new address -> registered one).
    withdrawn_by_name: dict[str, str] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def withdrawals(self) -> list[str]:
        """Addresses the message withdraws: written out, or found by the name given."""
        named = [a for a in self.withdrawn_by_name if a not in self.analysis.withdrawn]
        return [*self.analysis.withdrawn, *named]

    @property
    def in_directory(self) -> bool:
        return bool(self.sender_roles)

    @property
    def eligible(self) -> Role | None:
        """The sender's first role that may nominate for this event, if any."""
        if self.event is None:
            return None
        spec = self.event.spec
        direct = next((r for r in self.sender_roles if r.role in spec.nominating_roles), None)
        fallback = next(
            (
                r
                for r in self.sender_roles
                if r.role in spec.fallback_roles
                and r.country not in self.governments_blocking_fallback
            ),
            None,
        )
        return direct or fallback

    @property
    def fallback_blocked(self) -> list[Role]:
        """Fallback roles the sender holds for a government that has its own focal point."""
        if self.event is None:
            return []
        spec = self.event.spec
        return [
            r
            for r in self.sender_roles
            if r.role in spec.fallback_roles and r.country in self.governments_blocking_fallback
        ]

    @property
    def language(self) -> str | None:
        """The sender's language as the directory knows it."""
        return next((r.language for r in self.sender_roles if r.language), None)

    @property
    def addressed(self) -> list[Nominee]:
        return [p for p in self.analysis.participants if p.email]

    @property
    def new_nominees(self) -> list[Nominee]:
        return [p for p in self.addressed if not self._active(p.email)]

    @property
    def duplicates(self) -> list[Nominee]:
        return [p for p in self.addressed if self._active(p.email)]

    def may_withdraw(self, address: str) -> bool:
        """Only the nominator, or a focal point of the same government, withdraws someone
        who is registered."""
        row = self.existing.get(address)
        if row is None or not row.active:
            return False
        eligible = self.eligible
        return row.nominated_by == self.analysis.from_email or (
            eligible is not None and row.government == eligible.country
        )

    def leaving(self, government: str) -> int:
        """Active participants of ``government`` that this message withdraws."""
        return sum(
            1
            for address in self.withdrawals
            if self.may_withdraw(address) and self.existing[address].government == government
        ) + sum(1 for old in self.corrections.values() if self._government_of(old) == government)

    def _government_of(self, address: str) -> str | None:
        row = self.existing.get(address)
        return row.government if row else None

    def _active(self, email: str | None) -> bool:
        row = self.existing.get(email or "")
        return row is not None and row.active


def _existing(session: Session, event: Event, addresses: list[str]) -> dict:
    if not addresses:
        return {}
    rows = session.exec(
        select(Participant).where(
            Participant.event_slug == event.slug, Participant.email.in_(addresses)
        )
    ).all()
    return {
        p.email: ExistingParticipant(
            p.email, ParticipantStatus(p.status), p.government, p.nominated_by
        )
        for p in rows
    }


def _active_per_government(session: Session, event: Event, countries: set[str]) -> dict[str, int]:
    """Active participants of each of ``countries`` (the sender's) in ``event``."""
    if not countries:
        return {}
    counts = session.exec(
        select(Participant.government, func.count())
        .where(
            Participant.event_slug == event.slug,
            Participant.status.in_(ACTIVE_STATUSES),
            Participant.government.in_(countries),
        )
        .group_by(Participant.government)
    ).all()
    return {g: n for g, n in counts if g}


def _registered_by(session: Session, event: Event, sender: str, countries: set[str]) -> list:
    """Active participants the sender nominated, or of a government the sender serves."""
    mine = Participant.nominated_by == sender
    if countries:
        mine = or_(mine, Participant.government.in_(countries))
    return session.exec(
        select(Participant).where(
            Participant.event_slug == event.slug, Participant.status.in_(ACTIVE_STATUSES), mine
        )
    ).all()


def _match_names(facts: Facts, registered: list) -> None:
    """Resolve names given without an address, and new addresses for registered names."""
    analysis = facts.analysis
    for name in analysis.withdrawn_names:
        found = [r for r in registered if same_person(name, r.name)]
        if len(found) == 1:
            facts.withdrawn_by_name[found[0].email] = name
    if not analysis.corrects:
        return  # the same name at a new address is a correction only when the text says so
    listed = {p.email for p in analysis.participants if p.email}
    for nominee in analysis.participants:
        if not nominee.email or nominee.email in facts.existing:
            continue
        found = [
            r for r in registered if same_person(nominee.name, r.name) and r.email not in listed
        ]
        if len(found) == 1 and found[0].email not in facts.withdrawn_by_name:
            facts.corrections[nominee.email] = found[0].email


def replies_today(session: Session, address: str) -> int:
    """Automatic replies written to ``address`` in the last 24 hours."""
    since = utcnow() - timedelta(days=1)
    return session.exec(
        select(func.count())
        .select_from(OutboxMail)
        .where(
            OutboxMail.to_email == address,
            OutboxMail.auto_reply.is_(True),
            OutboxMail.created_at >= since,
        )
    ).one()


def gather_facts(
    session: Session,
    analysis: Analysis,
    event: Event | None,
    auth: AuthVerdict,
    received_at: datetime,
    settings: PolicySettings,
) -> Facts:
    """Read from the database what the rules need to decide this message."""
    facts = Facts(analysis, event, received_at, auth, settings)
    if event is None or analysis.kind not in NOMINATING_KINDS:
        return facts
    sender = analysis.from_email
    rows = roles_of(session, sender) if sender else []
    facts.sender_roles = [Role(r.country, r.role, r.name, r.language) for r in rows]
    facts.governments_blocking_fallback = governments_with_role(
        session, {r.country for r in rows}, event.spec.fallback_blocked_by
    )
    addresses = [p.email for p in analysis.participants if p.email] + analysis.withdrawn
    facts.existing = _existing(session, event, addresses)
    countries = {r.country for r in rows}
    if analysis.withdrawn_names or analysis.corrects:  # only then are names matched
        _match_names(facts, _registered_by(session, event, sender, countries))
    named = [*facts.withdrawn_by_name, *facts.corrections.values()]
    facts.existing.update(_existing(session, event, named))
    facts.active_per_government = _active_per_government(session, event, countries)
    facts.replies_today = replies_today(session, sender) if sender else 0
    return facts
