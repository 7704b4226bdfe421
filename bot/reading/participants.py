"""People in runs of lines: labelled blocks, tables, lists and free text, read in order.

Reads one run of lines (a zone of a message or an attachment) and returns candidates:
an address with the name, title, organization and country written beside it, or a name
written without any address. Each line is one of: a table, a blank line (which may end a
labelled block), a labelled field, a line with addresses, or a line of text without any
(a cue such as "the following are withdrawn:", a list item naming someone). Whether a
candidate is finally a participant is decided by the analysis, which knows the message.
"""

import re

from bot.reading import Line, Table
from bot.reading.address_lines import candidate_on_line
from bot.reading.addresses import Found, deobfuscate, find_addresses
from bot.reading.candidates import CONTACT_ADDRESS, GIVEN_AS_WRONG, Candidate, Reading
from bot.reading.fields import PERSON_FIELDS, from_fields, split_fields
from bot.reading.lexicon import accent_blind, lexicon
from bot.reading.name_words import split_honorifics
from bot.reading.names import is_full_name
from bot.reading.names_in_text import (
    LIST_MARKER,
    name_in,
    names_in_sentence,
    segments,
    strip_list_marker,
)
from bot.reading.organizations import first_institution, names_institution
from bot.reading.sentences import (
    Announced,
    announced_by,
    given_as_wrong,
    intent,
    sentence_at,
    sentences,
)
from bot.reading.tables import read_headed_table, rows_with_addresses, table_header, text_tables
from bot.reading.vocabulary import (
    CONTACT,
    FOR_INFORMATION,
    GREETING,
    LETTERHEAD,
    NAME_KINDS,
    NOMINATION,
    WITHDRAWAL,
    folded,
)
from bot.reading.wrapped import join_wrapped_items

# How many lines of text above a labelled block may name its person.
MAX_LINES_ABOVE = 3

# "… instead of OLD for Dr Grace Kaupa": the person the addresses before are for.
_TRAILING_NAME = re.compile(
    r"^\W*\b(?:"
    + "|".join(accent_blind(w) for w in lexicon().phrases("sentences", "for_person"))
    + r")\s+(.{3,80})",
    re.I,
)

# A list item naming someone without an address is short: a name, maybe a title, then
# an institution after a separator; a longer first piece, or a question, is a sentence.
MAX_NAME_ITEM_WORDS = 8
_QUESTION = re.compile(r"[?？؟]")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def read_table(table: Table, source: str) -> Reading:
    """Candidates in a table: by its columns when it has a header, else row by row as text."""
    header = table_header(table)
    if header is not None:
        return read_headed_table(table, header, source)
    reading = Reading()
    for line in rows_with_addresses(table):
        row = read_lines([line], source)
        reading.candidates.extend(row.candidates)
        reading.obfuscated |= row.obfuscated
    return reading


# The separators of a "Name - Position - Institution - address" line.
_DASHES = re.compile(r"\s[-–—]\s")


class _LineReader:
    """Reads lines in order, keeping what earlier lines said: the labelled block being
    gathered, the intent announced by the last cue line, and the line just before."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.reading = Reading()
        self.record: dict[str, str] = {}
        self.record_lines: list[str] = []
        self.announced: Announced = None
        self.previous_text = ""
        self.previous_used = False  # whether the line before gave a field or a candidate
        self.loose: list[str] = []  # the lines of text just before, that gave nothing
        self.record_loose: list[str] = []  # those before the labelled block being gathered
        self.record_obfuscated = False  # whether the block's address was spelt out in words

    def read(self, line: Line) -> None:
        if isinstance(line, Table):
            self._table(line)
            return
        line, flagged = deobfuscate(line)
        self.reading.obfuscated |= flagged
        text = line.strip()
        if not text:
            self._blank_line()
            return
        fields = split_fields(text)
        if fields:
            self._labelled_line(fields, text)
            self.record_obfuscated |= flagged
            return
        self.end_block()
        found = find_addresses(line)
        if found:
            self._line_with_addresses(line, text, found, flagged)
        else:
            self._line_without_addresses(text)

    def end_block(self) -> None:
        """The labelled block gathered so far gives its candidates."""
        if self.record:
            shape = "line" if self._name_above_block() else "block"
            text = " ".join(self.record_lines)
            lines = " / ".join(self.record_lines)
            for candidate in from_fields(self.record, self.source, lines, shape):
                candidate.withdrawn = intent(text, None, self.announced)
                candidate.obfuscated = self.record_obfuscated and bool(candidate.email)
                self.reading.add(candidate)
        self.record, self.record_lines, self.record_obfuscated = {}, [], False

    def _remember(self, text: str, used: bool) -> None:
        self.previous_text, self.previous_used = text, used
        self.loose = [] if used else [*self.loose[-(MAX_LINES_ABOVE - 1) :], text]

    def _name_above_block(self) -> bool:
        """A block without a name field ("Эл. почта: …") is for the person named on a line
        just above it ("г-жа Айгуль ТОКТОГУЛОВА", then a job title); whether one was."""
        if any(kind in self.record for kind in NAME_KINDS):
            return False
        for line in reversed(self.record_loose):
            if name_in(line)[0]:
                self.record["name"] = line
                self.reading.names_without_address = [
                    n for n in self.reading.names_without_address if n.line != line
                ]
                return True
        return False

    def _table(self, table: Table) -> None:
        self.end_block()
        found = read_table(table, self.source)
        for candidate in found.candidates + found.names_without_address:
            candidate.withdrawn = candidate.withdrawn or self.announced == "withdraw"
        self.reading.extend(found)
        self._remember("", used=True)

    def _block_is_complete(self) -> bool:
        record = self.record
        return bool(record) and ("email" in record or ("name" in record and len(record) > 1))

    def _blank_line(self) -> None:
        if self._block_is_complete():
            self.end_block()
        self._remember("", used=True)

    def _labelled_line(self, fields: list[tuple[str, str]], text: str) -> None:
        """Fields join the block; a person's field seen again starts the next person's."""
        if not self.record:
            self.record_loose = self.loose
        for kind, value in fields:
            if kind == "ignore":  # a known but ignored field (phone, gender …)
                continue
            if kind in self.record and kind in PERSON_FIELDS:
                self.end_block()
            self.record[kind] = value
        self.record_lines.append(text)
        self._remember(text, used=True)

    def _line_without_addresses(self, text: str) -> None:
        announced = announced_by(folded(text))
        if announced:
            self.announced = announced
        if LIST_MARKER.match(text) or self._like_the_line_before(text):
            self._listed_name(text)
        else:
            self._names_in_sentences(text, with_withdrawals=True)
        self._remember(text, used=False)

    def _like_the_line_before(self, text: str) -> bool:
        """ "Dr Ioane Aleni - Lecturer - University - (email to follow)" under lines of the
        same dashed shape that each gave a nominee: one more of the list, without address."""
        dashes = len(_DASHES.findall(text))
        return (
            dashes >= 2
            and self.previous_used
            and len(_DASHES.findall(self.previous_text)) == dashes
            and bool(split_honorifics(text)[0])
        )

    def _listed_name(self, text: str) -> None:
        """A list item naming a person (not an institution) without an address."""
        item_text = strip_list_marker(text)
        first = (segments(item_text) or [item_text])[0]
        # "(address to follow)", even one left open, aside:
        core = _BRACKETED.sub(" ", item_text).split("(")[0].split("（")[0]
        core_first = (segments(core) or [core])[0]
        if _QUESTION.search(item_text) or len(core_first.split()) > MAX_NAME_ITEM_WORDS:
            return  # "2. Will the sessions be recorded? … in New Zealand.": a sentence
        # "Dr. Suresh KUMAR, Indian Institute of Science": the name ends at the comma.
        name, title = name_in(first)
        if not name or not is_full_name(name):
            name, title = name_in(text)
        if not name or names_institution(first):
            return
        item = Candidate(
            None, name=name, title=title, source=self.source, listed=True, line=text, shape="list"
        )
        item.organization = first_institution(segments(item_text)[1:])
        item.withdrawn = intent(text, None, self.announced)
        self.reading.names_without_address.append(item)

    def _names_in_sentences(self, text: str, with_withdrawals: bool) -> None:
        """Honorific-led names in the nominating (or withdrawing) sentences of a line."""
        if GREETING.match(folded(text)):
            return
        for sentence in sentences(text):
            words = folded(sentence)
            if NOMINATION.search(words) or (with_withdrawals and WITHDRAWAL.search(words)):
                for item in names_in_sentence(sentence, self.source):
                    item.withdrawn = intent(sentence, None, self.announced)
                    self.reading.names_without_address.append(item)

    def _line_with_addresses(self, line: str, text: str, found: list[Found], flagged: bool) -> None:
        listed = bool(LIST_MARKER.match(text))
        for position, item in enumerate(found):
            candidate = candidate_on_line(
                line,
                item,
                found[position - 1] if position else None,
                found[position + 1] if position + 1 < len(found) else None,
                self.source,
            )
            candidate.obfuscated = flagged
            candidate.listed = listed
            if not candidate.name and LETTERHEAD.search(folded(line)):
                # "… Tel. (017) 200-66-91. E-mail: ministry@…": a letterhead, no one's own.
                candidate.excluded = "an organisation's contact line"
            elif not candidate.name and len(found) == 1:
                self._name_from_line_before(candidate)
            if not candidate.excluded:
                self._judge_by_sentence(candidate, line, item)
            self.reading.candidates.append(candidate)
        self._name_after_addresses(line, found)
        self._names_in_sentences(text, with_withdrawals=False)
        self._remember(text, used=True)

    def _name_from_line_before(self, candidate: Candidate) -> None:
        """ "Dr. Jane Mwangi" on one line, her address on the next; or a sentence naming one
        person ("we nominate Dr Huang Wei …"), a line "his address is:", then the address."""
        if not self.previous_text or self.previous_used:
            return
        name, title = name_in(self.previous_text)
        if name:
            candidate.name, candidate.title = name, title
            self.reading.names_without_address = [
                n for n in self.reading.names_without_address if n.line != self.previous_text
            ]
            return
        for text in reversed(self.loose):
            named = [n for n in self.reading.names_without_address if n.line and n.line in text]
            if named:
                if len(named) == 1 and not named[0].withdrawn:
                    candidate.name, candidate.title = named[0].name, named[0].title
                    self.reading.names_without_address.remove(named[0])
                return

    def _judge_by_sentence(self, candidate: Candidate, line: str, found: Found) -> None:
        """Withdrawn, copied for information or a contact address, as its sentence says."""
        sentence = sentence_at(line, found.start)
        offset = line.find(sentence) if sentence else 0
        candidate.withdrawn = intent(sentence, found.start - max(offset, 0), self.announced)
        words = folded(sentence)
        if given_as_wrong(line, found.start, found.end):
            candidate.excluded = GIVEN_AS_WRONG
        elif FOR_INFORMATION.search(words):
            candidate.excluded = "copied for information"
        elif CONTACT.search(words) and not NOMINATION.search(words):
            candidate.excluded = CONTACT_ADDRESS

    def _name_after_addresses(self, line: str, found: list[Found]) -> None:
        """ "please use NEW instead of OLD for Dr Grace Kaupa": the name is for both."""
        trailing = _TRAILING_NAME.match(line[found[-1].end :])
        parts = segments(trailing.group(1)) if trailing else []
        if not parts:
            return
        name, title = name_in(parts[0])
        if name:
            for candidate in self.reading.candidates[-len(found) :]:
                if not candidate.name:
                    candidate.name, candidate.title = name, candidate.title or title


def read_lines(lines: list[Line], source: str) -> Reading:
    """Candidates in a run of lines (one zone of a body or one attachment)."""
    reader = _LineReader(source)
    for line in join_wrapped_items(text_tables(lines)):
        reader.read(line)
    reader.end_block()
    return reader.reading
