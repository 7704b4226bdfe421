"""Which call for nominations a message answers: cited references first, then keywords.

With one open event a nomination goes to it unless it cites a notification that is not
the event's; with several, references and then the events' ``match`` keywords decide.
A message citing only another notification is never pulled in by loose keywords.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from bot.rules.events import Event
from bot.text import fold_accents

SCBD_REFERENCE = re.compile(r"\bSCBD(?:\s*/\s*[A-Z0-9]{1,12}){2,8}\b", re.I)
NOTIFICATION_NUMBER = re.compile(
    r"(?:notifica\w*|no\.?|n[°º]|num(?:ber|[ée]ro)?\.?|ref(?:erence|[ée]rence|erencia)?\.?)"
    r"[^\d\n]{0,25}?(20\d\d-\d{3})(?![\d-])",
    re.I,
)


@dataclass
class Route:
    """The event chosen (or None), and why; ``ambiguous`` when two events tie."""

    event: Event | None
    reason: str
    ambiguous: bool = False
    foreign_references: tuple[str, ...] = ()


def cited_references(text: str) -> set[str]:
    """Notification references and numbers cited in the text, upper-case, spaces removed."""
    found = {re.sub(r"\s+", "", m.group(0)).upper() for m in SCBD_REFERENCE.finditer(text)}
    found |= {m.group(1) for m in NOTIFICATION_NUMBER.finditer(text)}
    return found


def _keyword_hits(event: Event, folded_text: str) -> int:
    return sum(1 for keyword in event.spec.match if fold_accents(keyword) in folded_text)


def mentions_event(events: list[Event], text: str) -> bool:
    """Whether the text cites any event's reference or uses its keywords (open or not)."""
    cited = cited_references(text)
    folded_text = fold_accents(text)
    return any(
        cited & {r.upper().replace(" ", "") for r in e.spec.references}
        or _keyword_hits(e, folded_text)
        for e in events
    )


def route(events: list[Event], moment: datetime, text: str) -> Route:
    """Choose the event for a message received at ``moment`` whose text is ``text``."""
    open_events = [e for e in events if e.is_open(moment)]
    if not open_events:
        return Route(None, "no call for nominations is open")
    cited = cited_references(text)
    ours = {ref.upper().replace(" ", ""): e for e in open_events for ref in e.spec.references}
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
    if len(open_events) == 1:
        return Route(open_events[0], "the only open call for nominations")
    folded_text = fold_accents(text)
    scores = {e.slug: _keyword_hits(e, folded_text) for e in open_events}
    best = max(scores.values())
    if best == 0:
        return Route(None, "matches no open event")
    winners = [e for e in open_events if scores[e.slug] == best]
    if len(winners) == 1:
        return Route(winners[0], "matches the event's keywords")
    return Route(None, "matches several open events equally", ambiguous=True)
