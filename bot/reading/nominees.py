"""Choosing the nominees among the candidates gathered from a message.

A candidate is dropped when it is ours (the secretariat), excluded by its sentence
(copied for information, a contact address), the sender mentioned in passing, or a
forwarded mail's author mentioned in passing; sightings of one address are merged;
withdrawn addresses are set apart. Recipients in copy are nominees when the sender's text
says the nominees are copied. Names without an address are kept unless they name someone
already kept.
"""

import re
from dataclasses import dataclass, field

from bot.message.parse import ParsedMail
from bot.reading.addresses import is_role_address
from bot.reading.candidates import Candidate
from bot.reading.context import AnalysisContext
from bot.reading.gathering import Gathered, addresses_in_header
from bot.reading.names import name_from_display, same_person
from bot.reading.names_in_text import honorific_for
from bot.reading.sentences import sentences
from bot.reading.vocabulary import (
    CONTACT,
    FOR_INFORMATION,
    LETTERHEAD,
    NOMINEES_IN_COPY,
    folded,
)
from bot.reading.zones import Segment

MAX_COPIED_RECIPIENTS = 200


@dataclass
class Nominees:
    """Who a message nominates (by address, and by name only) and which addresses it withdraws."""

    kept: dict[str, Candidate] = field(default_factory=dict)
    withdrawn: list[str] = field(default_factory=list)
    names_only: list[Candidate] = field(default_factory=list)
    withdrawn_names: list[str] = field(default_factory=list)  # withdrawn without an address


def _self_candidate(mail: ParsedMail, own_text: str) -> Candidate:
    """The sender asking to take part, with the title their text gives them ("أنا الدكتور …")."""
    person, title = name_from_display(mail.from_name)
    title = title or honorific_for(person, own_text)
    return Candidate(
        mail.from_email, name=person, title=title, source="sender", listed=True, shape="sender"
    )


def _is_forwarded_author(address: str, segment: Segment) -> bool:
    return any(a == address for _, a in addresses_in_header(segment.header.get("from", "")))


def _signature_contact(candidate: Candidate) -> bool:
    """A labelled contact line (telephone and e-mail) under a name, as signatures have."""
    return candidate.shape == "line" and bool(LETTERHEAD.search(folded(candidate.line)))


def _may_be_nominee(
    candidate: Candidate,
    segment: Segment | None,
    mail: ParsedMail,
    context: AnalysisContext,
    self_nominated: bool,
) -> bool:
    address = candidate.email or ""
    if not address or candidate.excluded or context.is_ours(address):
        return False
    if is_role_address(address) and not (candidate.shape in ("table", "block") and candidate.name):
        return False  # an organisation's mailbox, not in a person's row or fields
    if address == mail.from_email:
        # The sender among the people listed (a table row, fields of their own), not their
        # signature's "Tel: … | Email: …" under their name.
        return self_nominated or (candidate.listed and not _signature_contact(candidate))
    # The forwarded mail's author, mentioned in passing, is not a nominee.
    return segment is None or candidate.listed or not _is_forwarded_author(address, segment)


def _sort_candidates(
    mail: ParsedMail, gathered: Gathered, context: AnalysisContext, self_nominated: bool
) -> Nominees:
    """Candidates with an address, merged by address, the withdrawn set apart."""
    chosen = Nominees()
    if self_nominated and not context.is_ours(mail.from_email):
        chosen.kept[mail.from_email] = _self_candidate(mail, "\n".join(gathered.own_text))
    for candidate, segment in gathered.candidates:
        if not _may_be_nominee(candidate, segment, mail, context, self_nominated):
            continue
        if candidate.shape == "text" and candidate.email in gathered.signature_addresses:
            continue  # the sender's office, named in passing ("with a copy to this Division")
        address = candidate.email or ""
        if address == mail.from_email:
            candidate.source = "sender"
        if candidate.withdrawn:
            if address not in chosen.withdrawn:
                chosen.withdrawn.append(address)
        elif address in chosen.kept:
            chosen.kept[address].absorb(candidate)
        else:
            chosen.kept[address] = candidate
    return chosen


def _copy_recipients(mail: ParsedMail, context: AnalysisContext) -> list[tuple[str, str]]:
    return [(n, a) for n, a in mail.cc + mail.to if a != mail.from_email and not context.is_ours(a)]


def _copied_for_information(
    address: str, display: str, person: str | None, info_lines: list[str]
) -> bool:
    """Whether a line copying someone for information names this recipient: by address,
    by the person's name, or by the organisation a mailbox is named after."""
    shown = folded(display).strip()
    return any(
        address in line.lower()
        or (person and (same_person(person, line) or _family_name_in(person, line)))
        or (not person and len(shown) > 3 and _words_in(shown, folded(line)))
        for line in info_lines
    )


def _words_in(shown: str, line: str) -> bool:
    """Every word of a mailbox's display name in the line ("Director NBC" in "The Director,
    NBC, is copied for information"), as folded text."""
    words = set(re.findall(r"\w+", shown))
    # Inside words too: Arabic joins prefixes ("لبروتوكول قرطاجنة" holds "بروتوكول").
    return bool(words) and all(word in line for word in words)


def _family_name_in(person: str, line: str) -> bool:
    """The person's family name among the line's words ("для сведения Н. Абенову")."""
    names = [w for w in person.split() if len(w) > 2 and "." not in w]  # not initials
    family = names[-1] if names else ""
    return bool(family) and any(same_person(family, word) for word in line.split())


_CLAUSE = re.compile(r"[,;:،؛，；：]")


def _nominees_said_in_copy(own_text: str) -> bool:
    """Whether a clause of the text says that people are in copy, other than only for
    information ("…وضعت السيد يوسف بنجلون في نسخة هذه الرسالة للعلم فقط" copies nobody to
    nominate) or in a sentence giving a contact ("contact my assistant …, whom I copy")."""
    for line in own_text.splitlines():
        for sentence in map(folded, sentences(line)):
            if CONTACT.search(sentence):
                continue
            clauses = _CLAUSE.split(sentence)
            if any(NOMINEES_IN_COPY.search(c) and not FOR_INFORMATION.search(c) for c in clauses):
                return True
    return False


def copy_nominees(
    mail: ParsedMail, own_text: str, names_only: list[Candidate], context: AnalysisContext
) -> list[Candidate]:
    """Nominees given only as copied recipients, when the text says they are copied."""
    if not _nominees_said_in_copy(own_text):
        return []
    info_lines = [line for line in own_text.splitlines() if FOR_INFORMATION.search(folded(line))]
    # Names written in the text say which copied recipients are nominees, unless the text
    # names them as copied for information ("… except Mr Tkachenko, copied for information").
    named = [
        c
        for c in names_only
        if c.name and not any(_family_name_in(c.name, line) for line in info_lines)
    ]
    chosen = []
    for display, address in _copy_recipients(mail, context)[:MAX_COPIED_RECIPIENTS]:
        person, title = name_from_display(display)
        if _copied_for_information(address, display, person, info_lines):
            continue
        if is_role_address(address) and not person:
            continue
        if named:
            # Names written in the text say which of the copied recipients are nominees.
            match = next((c for c in named if same_person(c.name, person or display)), None)
            if match is None:
                continue
            person, title = match.name, match.title or title
        title = title or honorific_for(person, own_text)  # "Mme Claire Weber, en copie"
        chosen.append(
            Candidate(address, name=person, title=title, source="cc", listed=True, shape="cc")
        )
    return chosen


def _names_from_headers(mail: ParsedMail, kept: dict[str, Candidate]) -> None:
    """Fill in names from the headers where the text gave only the address."""
    displays = {a: n for n, a in mail.to + mail.cc + mail.reply_to}
    for address, candidate in kept.items():
        if not candidate.name and displays.get(address):
            candidate.name, honorific = name_from_display(displays[address])
            candidate.title = candidate.title or honorific


def _names_from_text(kept: dict[str, Candidate], names: list[Candidate]) -> None:
    """An address without a name, on a line that names one person written elsewhere
    without an address ("Электронная почта г-жи Токтогуловой: …"): that person's."""
    for candidate in kept.values():
        if candidate.name or not candidate.line:
            continue
        named = [n for n in names if n.name and _family_name_in(n.name, candidate.line)]
        if len(named) == 1:
            candidate.name, candidate.title = named[0].name, candidate.title or named[0].title


def _names_without_address(
    names: list[Candidate], kept: dict[str, Candidate], mail: ParsedMail, self_nominated: bool
) -> list[Candidate]:
    """Names written without an address, once each, unless they name someone kept."""
    chosen: list[Candidate] = []
    for candidate in names:
        if candidate.withdrawn:
            continue
        known = next((c for c in kept.values() if same_person(candidate.name, c.name)), None)
        if known is not None:
            # The text names a nominee known by address: it may say their title,
            # organization or country ("Name: …, Organization: …" of a self-nomination).
            for detail in ("title", "organization", "country"):
                if not getattr(known, detail):
                    setattr(known, detail, getattr(candidate, detail))
            continue
        if self_nominated and same_person(candidate.name, mail.from_name):
            continue
        if any(same_person(candidate.name, n.name) for n in chosen):
            continue
        chosen.append(candidate)
    return chosen


def _nominated_before(candidate: Candidate, history: list[str]) -> bool:
    """A name the quoted earlier message gives with an address ("Dr X's nomination stands"):
    a person already nominated, not one whose address is missing."""
    return any(same_person(candidate.name, line) for line in history)


def _copied(candidate: Candidate, mail: ParsedMail) -> bool:
    """A name written without address that a copied recipient bears: known by address."""
    return any(
        same_person(candidate.name, name_from_display(display)[0]) for display, _ in mail.cc
    )


def choose_nominees(
    mail: ParsedMail, gathered: Gathered, context: AnalysisContext, self_nominated: bool
) -> Nominees:
    """The nominees among the gathered candidates, and the addresses withdrawn."""
    chosen = _sort_candidates(mail, gathered, context, self_nominated)
    own_text = "\n".join(gathered.own_text)
    for candidate in copy_nominees(mail, own_text, gathered.names_only, context):
        if candidate.email not in chosen.kept and candidate.email not in chosen.withdrawn:
            chosen.kept[candidate.email] = candidate
    for address in chosen.withdrawn:
        chosen.kept.pop(address, None)
    _names_from_headers(mail, chosen.kept)
    _names_from_text(chosen.kept, gathered.names_only)
    chosen.names_only = [
        candidate
        for candidate in _names_without_address(
            gathered.names_only, chosen.kept, mail, self_nominated
        )
        if not _nominated_before(candidate, gathered.history)
        and not _copied(candidate, mail)
    ]
    chosen.withdrawn_names = _withdrawn_names(gathered, chosen)
    return chosen


def _withdrawn_names(gathered: Gathered, chosen: Nominees) -> list[str]:
    """Names withdrawn without an address ("please withdraw Mr. X"), once each, unless
    the message also nominates that person or withdraws them by address."""
    known = [*chosen.kept.values(), *chosen.names_only]
    known += [c for c, _ in gathered.candidates if c.withdrawn]
    found: list[str] = []
    for candidate in gathered.names_only:
        name = candidate.name
        if not candidate.withdrawn or not name:
            continue
        if any(same_person(name, n) for n in found) or any(
            same_person(name, c.name) for c in known
        ):
            continue
        found.append(name)
    return found
