"""Which calls for nominations a text speaks of: cited notification references and keywords.

Pure text matching, used by the reader (does the message speak of a call at all?) and by
routing in the policy stage (which open call is it?). An event is seen here only through
its ``EventTerms``: its slug, references and keywords.
"""

import re
from dataclasses import dataclass

from bot.reading.lexicon import lexicon
from bot.text import fold_accents

SCBD_REFERENCE = re.compile(r"\bSCBD(?:\s*/\s*[A-Z0-9]{1,12}){2,8}\b", re.I)
# "Notification 2025-055", "N° 2025-055", "الإخطار رقم 2025-055", "第2025-055号通知", or the
# number before its word: "贵处2025-055号通知" (the words are the language files'), matched
# on accent-folded text.
NOTIFICATION_NUMBER = re.compile(
    "(?:"
    + lexicon().alternation("references", "number_words")
    + r")[^\d\n]{0,25}?(?P<number>20\d\d-\d{3})(?![\d-])"
    + r"|(?<![\d-])(?P<number_first>20\d\d-\d{3})\s?(?:"
    + lexicon().alternation("references", "number_after", start=False)
    + ")"
)


@dataclass(frozen=True)
class EventTerms:
    """What identifies a call for nominations in a text."""

    slug: str
    references: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def normalised_references(self) -> set[str]:
        return {normalise_reference(r) for r in self.references}


def normalise_reference(reference: str) -> str:
    return re.sub(r"\s+", "", reference).upper()


def cited_references(text: str) -> set[str]:
    """Notification references and numbers cited in the text, upper-case, spaces removed."""
    found = {normalise_reference(m.group(0)) for m in SCBD_REFERENCE.finditer(text)}
    found |= {
        m.group("number") or m.group("number_first")
        for m in NOTIFICATION_NUMBER.finditer(fold_accents(text))
    }
    return found


# A notification number written alone ("Re: ترشيحات العراق - المنتدى الإلكتروني 2025-055"):
# it counts only when it is one of the events' own (a bare number may be anything else).
BARE_NUMBER = re.compile(r"(?<![\d-])20\d\d-\d{3}(?![\d-])")


def bare_numbers(text: str) -> set[str]:
    """Every notification-like number in the text, with or without a word before it."""
    return set(BARE_NUMBER.findall(text))


def keyword_hits(terms: EventTerms, folded_text: str) -> int:
    """How many of the event's keywords occur in the accent-folded, lower-case text."""
    return sum(1 for keyword in terms.keywords if fold_accents(keyword) in folded_text)


def mentions_event(events: list[EventTerms], text: str) -> bool:
    """Whether the text cites any event's reference or uses its keywords (open or not)."""
    cited = cited_references(text) | bare_numbers(text)
    folded_text = fold_accents(text)
    return any(cited & e.normalised_references or keyword_hits(e, folded_text) for e in events)
