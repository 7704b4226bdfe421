"""What the line readers hand to the analysis: candidates, one per address or name seen.

A ``Candidate`` is an address (or a name written without one) with what was written beside
it; a ``Reading`` is every candidate found in one run of lines. Whether a candidate is
finally a participant is decided later, by the analysis, which knows the whole message.
"""

from dataclasses import dataclass, field

# Shapes from the one that lists people most plainly to the least.
LISTING_SHAPES = ("table", "block", "line", "list", "cc", "sender", "text")
# Why a candidate is left out when its sentence gives its address as wrong.
GIVEN_AS_WRONG = "an address given as wrong"
# Why a candidate is left out when its sentence or row gives it as a contact, not a nominee.
CONTACT_ADDRESS = "contact address"


@dataclass
class Candidate:
    """A person found in a message: address (or None) and what was written about them."""

    email: str | None
    name: str | None = None
    title: str | None = None
    organization: str | None = None
    country: str | None = None
    source: str = "body"
    listed: bool = False  # from a labelled block, a table row or a list item
    # Where it was written: "table" (a row), "block" (labelled fields), "line" (a line
    # with its address), "list" (a list item without one), "text" (a sentence), "cc",
    # "sender". Tables, blocks and lines are how people list participants.
    shape: str = "text"
    withdrawn: bool = False
    excluded: str | None = None  # why it is not a nominee (copied for information …)
    obfuscated: bool = False
    line: str = ""

    def absorb(self, other: "Candidate") -> None:
        """Fill what this candidate lacks from another sighting of the same person."""
        for attribute in ("name", "title", "organization", "country"):
            if not getattr(self, attribute) and getattr(other, attribute):
                setattr(self, attribute, getattr(other, attribute))
        self.listed = self.listed or other.listed
        if LISTING_SHAPES.index(other.shape) < LISTING_SHAPES.index(self.shape):
            self.shape = other.shape


@dataclass
class Reading:
    """Candidates found in a run of lines and the cues seen in it."""

    candidates: list[Candidate] = field(default_factory=list)
    names_without_address: list[Candidate] = field(default_factory=list)
    obfuscated: bool = False

    def add(self, candidate: Candidate) -> None:
        """File a candidate under addresses or under names written without one."""
        if candidate.email:
            self.candidates.append(candidate)
        else:
            self.names_without_address.append(candidate)

    def extend(self, other: "Reading") -> None:
        """Take in what another reading (a table inside these lines) found."""
        self.candidates.extend(other.candidates)
        self.names_without_address.extend(other.names_without_address)
        self.obfuscated |= other.obfuscated
