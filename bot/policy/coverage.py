"""Which governments have nominated for an event, and who may still nominate for the others.

Read by the digest (governments whose focal points have not nominated yet), by the
reminders (whom to remind) and by the staff pages. A government is one the directory
knows by an ISO 3166-1 code (organizations, ``ORG:<id>``, are not counted); its
nominators are the holders of the event's nominating roles and, where nobody holds one
of the roles that block the fallback, of its fallback roles — the same rule the policy
applies to a nomination. A government has nominated once it has a participant who is
confirmed or pending for the event; one whose every nominee was withdrawn or rejected
has not.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.policy.events import Event
from bot.store.models import FocalPoint, Participant
from bot.vocab import ACTIVE_STATUSES


@dataclass
class Government:
    """One government in the directory and where it stands for one event."""

    country: str  # ISO 3166-1 alpha-2
    nominators: list[FocalPoint] = field(default_factory=list)
    active: int = 0  # participants confirmed or pending

    @property
    def nominated(self) -> bool:
        return self.active > 0

    @property
    def languages(self) -> list[str]:
        return sorted({f.language for f in self.nominators if f.language})


def _is_government(country: str) -> bool:
    return len(country) == 2 and country.isalpha()


def governments(session: Session, event: Event) -> list[Government]:
    """Every government that may nominate for ``event``, by country code."""
    spec = event.spec
    roles = {*spec.nominating_roles, *spec.fallback_roles, *spec.fallback_blocked_by}
    rows = session.exec(select(FocalPoint).where(col(FocalPoint.role).in_(roles))).all()
    by_country: dict[str, list[FocalPoint]] = {}
    for row in rows:
        if _is_government(row.country):
            by_country.setdefault(row.country, []).append(row)
    found: dict[str, Government] = {}
    for country, holders in sorted(by_country.items()):
        blocked = any(h.role in spec.fallback_blocked_by for h in holders)
        nominators = [
            h
            for h in holders
            if h.role in spec.nominating_roles or (h.role in spec.fallback_roles and not blocked)
        ]
        if nominators:
            found[country] = Government(country, nominators)
    counts = session.exec(
        select(Participant.government).where(
            Participant.event_slug == event.slug,
            col(Participant.status).in_(ACTIVE_STATUSES),
        )
    ).all()
    for government in counts:
        if government in found:
            found[government].active += 1
    return list(found.values())


def not_nominated(session: Session, event: Event) -> list[Government]:
    """The governments that may nominate for ``event`` and have not yet."""
    return [g for g in governments(session, event) if not g.nominated]
