"""Which call for nominations a message answers: cited references first, then keywords.

With one open event a nomination goes to it unless it cites a notification that is not
the event's; with several, references and then the events' ``match`` keywords decide.
A message citing only another notification is never pulled in by loose keywords.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.policy.events import Event
from bot.reading.analysis import Analysis
from bot.reading.references import (
    bare_numbers,
    cited_references,
    keyword_hits,
    normalise_reference,
)
from bot.text import fold_accents
from bot.vocab import NOMINATING_KINDS, Warning, WarningCode


@dataclass
class Route:
    """The event chosen (or None), and why; ``ambiguous`` when two events tie."""

    event: Event | None
    reason: str
    ambiguous: bool = False
    foreign_references: tuple[str, ...] = ()


def _by_reference(open_events: list[Event], cited: set[str]) -> Route | None:
    ours = {normalise_reference(ref): e for e in open_events for ref in e.spec.references}
    hits: dict[str, int] = {}
    for reference in cited:
        event = ours.get(reference)
        if event:
            hits[event.slug] = hits.get(event.slug, 0) + 1
    foreign = tuple(sorted(r for r in cited if r not in ours))
    if hits:
        best = max(hits.values())
        winners = [e for e in open_events if hits.get(e.slug) == best]
        if len(winners) == 1:
            return Route(winners[0], "cites the event's notification", foreign_references=foreign)
        return Route(None, "cites several events' notifications", ambiguous=True)
    if foreign:
        return Route(
            None, f"cites another notification ({', '.join(foreign)})", foreign_references=foreign
        )
    return None


def route(events: list[Event], moment: datetime, text: str) -> Route:
    """Choose the event for a message received at ``moment`` whose text is ``text``."""
    open_events = [e for e in events if e.is_open(moment)]
    if not open_events:
        return Route(None, "no call for nominations is open")
    ours = {normalise_reference(r) for e in open_events for r in e.spec.references}
    cited = cited_references(text) | (bare_numbers(text) & ours)
    by_reference = _by_reference(open_events, cited)
    if by_reference is not None:
        return by_reference
    if len(open_events) == 1:
        return Route(open_events[0], "the only open call for nominations")
    folded_text = fold_accents(text)
    scores = {e.slug: keyword_hits(e.terms, folded_text) for e in open_events}
    best = max(scores.values())
    if best == 0:
        return Route(None, "names none of the open events", ambiguous=True)
    winners = [e for e in open_events if scores[e.slug] == best]
    if len(winners) == 1:
        return Route(winners[0], "matches the event's keywords")
    return Route(None, "matches several open events equally", ambiguous=True)


def assign_event(analysis: Analysis, events: list[Event], received_at: datetime | None) -> Route:
    """Route a nomination or withdrawal to its event, writing the choice into ``analysis``."""
    if analysis.kind not in NOMINATING_KINDS:
        return Route(None, "not a nomination")
    moment = received_at or analysis.date or datetime.now(UTC)
    chosen = route(events, moment, analysis.route_text)
    analysis.route_reason = chosen.reason
    analysis.event = chosen.event.slug if chosen.event else None
    if chosen.ambiguous:
        analysis.warnings.append(Warning(WarningCode.AMBIGUOUS_EVENT, chosen.reason))
    return chosen
