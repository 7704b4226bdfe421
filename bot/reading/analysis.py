"""One message, read as a secretariat officer would: the pure heart of the pipeline.

raw bytes → MIME → robot check → gather candidates (body zones, HTML, attachments,
attached mail: ``gathering``) → choose the nominees (``nominees``) → decide the kind →
pick the language. No database and no network: ``nombot parse`` prints this, and the
pipeline decides from it; the event is chosen later, by routing in the policy stage.

The kind follows from the people and how they are written, in any language: people
listed with their addresses (a table, labelled blocks, several name-and-address lines)
are a nomination even without a word of nominating; cue words are one more signal, and
``cued`` says whether there was one (the policy trusts a list without one only from a
focal point). A reply to the secretariat's own message that only repeats a list is not
a nomination.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from bot.message.parse import ParsedMail, parse_mail
from bot.message.robots import RobotVerdict, detect_robot
from bot.reading.candidates import GIVEN_AS_WRONG, Candidate
from bot.reading.context import AnalysisContext
from bot.reading.gathering import Gathered, gather
from bot.reading.language import detect_language
from bot.reading.nominees import Nominees, choose_nominees
from bot.reading.references import mentions_event
from bot.reading.vocabulary import (
    AUTO_REPLY,
    NOMINATION,
    PARTICIPATION,
    RIGHT_ADDRESS,
    SELF_NOMINATION,
    WITHDRAWAL,
    folded,
)
from bot.reading.zones import answers_or_forwards
from bot.vocab import NOMINATING_KINDS, UNREAD_WARNINGS, Kind, Warning, WarningCode

__all__ = ["Analysis", "AnalysisContext", "Nominee", "analyse", "analyse_mail"]

# Below this many words of their own, the sender's language is read from forwarded text too.
FEW_OWN_WORDS = 12
# Name-and-address lines that make a list of participants without a table or fields.
LISTED_LINES = 2
ROBOT_LANGUAGE_SAMPLE = 5000
# How much of the text's start is read for automatic-reply wording.
AUTO_REPLY_OPENING = 160


@dataclass
class Nominee:
    """A participant as ``nombot parse`` reports it."""

    name: str | None
    email: str | None
    title: str | None
    organization: str | None
    country: str | None
    source: str

    @classmethod
    def from_candidate(cls, candidate: Candidate) -> "Nominee":
        return cls(
            candidate.name,
            candidate.email,
            candidate.title,
            candidate.organization,
            candidate.country,
            candidate.source,
        )


@dataclass
class Analysis:
    """Everything read from one message; ``as_json`` is the ``nombot parse`` shape."""

    message_id: str | None
    from_name: str
    from_email: str
    subject: str
    language: str
    kind: Kind
    event: str | None
    participants: list[Nominee]
    withdrawn: list[str]
    bounced: list[str]
    warnings: list[Warning]
    date: datetime | None = None
    robot_reason: str = ""
    route_reason: str = ""
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    route_text: str = ""  # the text routing reads to choose the event (not printed)
    # Whether a nomination or withdrawal cue, or a self-nomination, was read (not printed;
    # True unless the reader found none, so an analysis built by hand is taken as said).
    cued: bool = True
    # Names withdrawn without an address, for the policy to match (not printed).
    withdrawn_names: list[str] = field(default_factory=list)
    # Whether the text gives an address as the right one or another as wrong ("the correct
    # address of Ms Y is …"): a registered person at a new address is then a correction.
    corrects: bool = False

    def as_json(self, file: str | None = None) -> dict:
        return {
            "file": file,
            "message_id": self.message_id,
            "from": {"name": self.from_name or None, "email": self.from_email or None},
            "subject": self.subject,
            "language": self.language,
            "kind": str(self.kind),
            "event": self.event,
            "participants": [asdict(p) for p in self.participants],
            "withdrawn": self.withdrawn,
            "bounced": self.bounced,
            "warnings": [str(w) for w in self.warnings],
        }


@dataclass(frozen=True)
class _Cues:
    """What the text says besides the people in it."""

    nominating: bool  # a nomination cue, or participation words about a known call
    about_an_event: bool  # a call's reference or keywords
    unread_attachment: bool  # an attachment that may hold the nominees could not be read
    withdrawing: bool = False  # a withdrawal cue


def _headers_only(mail: ParsedMail, context: AnalysisContext) -> Analysis:
    """The analysis before anything is read: the headers only."""
    return Analysis(
        message_id=mail.message_id,
        from_name=mail.from_name,
        from_email=mail.from_email,
        subject=mail.subject,
        language=context.default_language,
        kind=Kind.OTHER,
        event=None,
        participants=[],
        withdrawn=[],
        bounced=[],
        warnings=list(mail.warnings),
        date=mail.date,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
    )


def _as_robot(
    result: Analysis, mail: ParsedMail, robot: RobotVerdict, context: AnalysisContext
) -> Analysis:
    """A bounce or an automatic reply: its kind, the bounced addresses, delays as warnings."""
    result.kind, result.robot_reason, result.bounced = Kind(robot.kind), robot.reason, robot.bounced
    result.warnings += [Warning(WarningCode.DELIVERY_DELAYED, a, a) for a in robot.delayed]
    # A report's own words, not the fields of its delivery status or the returned message.
    own_words = mail.first_text or mail.text[:ROBOT_LANGUAGE_SAMPLE]
    sample = f"{mail.subject}\n{own_words}"
    result.language = detect_language(sample, context.default_language)
    return result


def _says_automatic_reply(mail: ParsedMail) -> bool:
    """Automatic-reply wording in the subject or opening the text ("自动回复", "Réponse
    automatique", "I am out of the office"), for responders that send no robot header."""
    opening = folded(f"{mail.subject}\n{mail.text.lstrip()[:AUTO_REPLY_OPENING]}")
    return bool(AUTO_REPLY.search(opening))


def _is_self_nomination(mail: ParsedMail, own_text: str) -> bool:
    # A forward's subject is the forwarded message's ("Fwd: I would like to take part").
    subject = "" if answers_or_forwards(mail.subject) else mail.subject
    own_folded = folded(f"{subject}\n{own_text}")
    return bool(SELF_NOMINATION.search(own_folded)) and bool(mail.from_email)


def _cues(
    read_text: str,
    route_text: str,
    gathered: Gathered,
    context: AnalysisContext,
    self_nominated: bool,
) -> _Cues:
    """Cue words are looked for in the text read (the sender's, forwarded, attached); a
    call's terms also in the whole body as decoded."""
    read_folded = folded(read_text)
    about_an_event = mentions_event(context.events, route_text)
    # A call's participant given "the correct address" is nominated at it (a correction).
    nominating = bool(NOMINATION.search(read_folded)) or (
        about_an_event
        and (
            self_nominated
            or bool(PARTICIPATION.search(read_folded) or RIGHT_ADDRESS.search(read_folded))
        )
    )
    unread = any(w.code in UNREAD_WARNINGS for w in gathered.warnings)
    withdrawing = bool(WITHDRAWAL.search(read_folded))
    return _Cues(nominating, about_an_event, unread, withdrawing)


def lists_people(chosen: Nominees) -> bool:
    """Whether the nominees are written the way a list of participants is: a table row or
    labelled fields with a name and an address, or several lines each naming someone
    beside their address."""
    named = [c for c in chosen.kept.values() if c.name]
    if any(c.shape in ("table", "block") for c in named):
        return True
    lines = {c.line for c in named if c.shape == "line"}
    return len(lines) >= LISTED_LINES


def _decide_kind(chosen: Nominees, cues: _Cues, listed: bool) -> Kind:
    """People with a nomination cue, or people listed with their addresses, make a
    nomination; withdrawn addresses or names with a cue or about a call, a withdrawal."""
    if (chosen.kept or chosen.names_only) and cues.nominating:
        return Kind.NOMINATION
    if chosen.kept and listed:
        return Kind.NOMINATION
    if cues.unread_attachment and cues.nominating and not chosen.withdrawn:
        return Kind.NOMINATION  # the nominees are in an attachment we could not read
    if (chosen.withdrawn or chosen.withdrawn_names) and (cues.nominating or cues.about_an_event):
        return Kind.WITHDRAWAL
    return Kind.OTHER


def answers_our_message(mail: ParsedMail, context: AnalysisContext) -> bool:
    """Whether the message replies to one of the secretariat's own (its In-Reply-To or
    References name a Message-ID of one of our domains)."""
    ids = [mail.in_reply_to or "", *mail.references]
    domains = {i.strip().strip("<>").rpartition("@")[2].lower() for i in ids if "@" in i}
    return any(d == own or d.endswith("." + own) for d in domains for own in context.own_domains)


def _report_nominees(result: Analysis, chosen: Nominees, gathered: Gathered) -> None:
    """The participants and the withdrawn, with warnings for what staff should check."""
    result.participants = [
        Nominee.from_candidate(c) for c in [*chosen.kept.values(), *chosen.names_only]
    ]
    result.withdrawn = chosen.withdrawn
    result.withdrawn_names = chosen.withdrawn_names
    for candidate in chosen.names_only:
        name = candidate.name or ""
        result.warnings.append(Warning(WarningCode.MISSING_ADDRESS, name, name))
    if gathered.obfuscated and any(c.obfuscated for c in chosen.kept.values()):
        result.warnings.append(
            Warning(WarningCode.OBFUSCATED_ADDRESS, "an address was written with words; check it")
        )


def _pick_language(
    mail: ParsedMail, gathered: Gathered, own_text: str, context: AnalysisContext
) -> str:
    """The sender's own words decide; forwarded text helps when they wrote very little."""
    # A reply's subject is usually our notification's title: the sender's words decide.
    subject = "" if own_text.strip() and answers_or_forwards(mail.subject) else mail.subject
    text = f"{subject}\n{own_text}"
    if len(own_text.split()) < FEW_OWN_WORDS:
        text += "\n" + "\n".join(gathered.other_text)
    return detect_language(text, context.default_language)


def analyse(raw: bytes, context: AnalysisContext | None = None) -> Analysis:
    """Read one message. Never raises on bad input: problems become warnings."""
    context = context or AnalysisContext()
    mail = parse_mail(raw, context.limits)
    return analyse_mail(mail, context)


def analyse_mail(mail: ParsedMail, context: AnalysisContext) -> Analysis:
    """Read a parsed message; the event is chosen later, by routing in the policy stage."""
    result = _headers_only(mail, context)
    robot = detect_robot(mail)
    if robot.kind:
        return _as_robot(result, mail, robot, context)
    if _says_automatic_reply(mail):
        robot = RobotVerdict(Kind.AUTO_REPLY, "automatic reply wording", check="wording")
        return _as_robot(result, mail, robot, context)
    gathered = gather(mail, context)
    result.warnings += gathered.warnings
    own_text = "\n".join(gathered.own_text)
    self_nominated = _is_self_nomination(mail, own_text)
    chosen = choose_nominees(mail, gathered, context, self_nominated)
    read_text = "\n".join([mail.subject, own_text, *gathered.other_text, *gathered.attachment_text])
    result.route_text = f"{read_text}\n{mail.text}"
    cues = _cues(read_text, result.route_text, gathered, context, self_nominated)
    result.cued = cues.nominating or cues.withdrawing or self_nominated
    result.corrects = bool(RIGHT_ADDRESS.search(folded(own_text))) or any(
        candidate.excluded == GIVEN_AS_WRONG for candidate, _ in gathered.candidates
    )
    result.kind = _decide_kind(chosen, cues, lists_people(chosen))
    if result.kind == Kind.NOMINATION and not result.cued and answers_our_message(mail, context):
        result.kind = Kind.OTHER  # thanks for our confirmation, repeating the list
    if result.kind in NOMINATING_KINDS:
        _report_nominees(result, chosen, gathered)
    result.language = _pick_language(mail, gathered, own_text, context)
    return result
