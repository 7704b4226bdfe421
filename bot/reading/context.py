"""What the reader knows besides the message: the calls' terms, our own addresses, limits.

Built by the caller (``nombot parse``, the pipeline, the benchmarks) from the
configuration; the reader never looks anything up itself.
"""

from dataclasses import dataclass, field

from bot.config import LimitsConfig
from bot.reading.references import EventTerms


@dataclass
class AnalysisContext:
    """What the analysis needs besides the message: events, our own addresses, limits."""

    events: list[EventTerms] = field(default_factory=list)
    own_addresses: set[str] = field(default_factory=set)
    own_domains: set[str] = field(default_factory=set)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    default_language: str = "en"

    def is_ours(self, address: str) -> bool:
        """Whether an address is the secretariat's own (an address or a domain of ours)."""
        domain = address.rpartition("@")[2]
        return address in self.own_addresses or any(
            domain == d or domain.endswith("." + d) for d in self.own_domains
        )
