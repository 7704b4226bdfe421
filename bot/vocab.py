"""The words of the pipeline: every state that is stored, compared or mailed, as a type.

Each enum is a ``StrEnum`` whose values are exactly what the database columns and the
JSON outputs hold, so ``Outcome.ACCEPTED == "accepted"`` and rows written before these
types existed read back unchanged. No module outside this one spells a status, outcome,
flag, action or warning code as a bare string.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a message is, as read (``nombot parse`` prints it)."""

    NOMINATION = "nomination"
    WITHDRAWAL = "withdrawal"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    OTHER = "other"


ROBOT_KINDS = (Kind.AUTO_REPLY, Kind.BOUNCE)
NOMINATING_KINDS = (Kind.NOMINATION, Kind.WITHDRAWAL)


class Outcome(StrEnum):
    """The single outcome of one processed message."""

    ACCEPTED = "accepted"
    LATE = "late"
    UNAUTHORIZED = "unauthorized"
    NEEDS_INFO = "needs_info"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    HELD = "held"
    ERROR = "error"
    STAFF_COMMANDS = "staff_commands"  # decisions (or a request for help) from staff


class CommandStatus(StrEnum):
    """What a decision sent by e-mail did to the participant it names (not stored)."""

    DONE = "done"
    UNCHANGED = "unchanged"  # the participant already had that status
    UNKNOWN = "unknown"  # no participant has that number or address
    AMBIGUOUS = "ambiguous"  # the address is registered for several events
    NO_REASON = "no_reason"  # a rejection without its reason
    UNCLEAR = "unclear"  # words after the targets of a command that takes none
    NOT_READ = "not_read"  # past the number of commands read from one message


class ParticipantStatus(StrEnum):
    CONFIRMED = "confirmed"
    PENDING = "pending"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ACTIVE_STATUSES = (ParticipantStatus.CONFIRMED, ParticipantStatus.PENDING)


class Flag(StrEnum):
    """Why a participant waits for staff, and what happened to their address."""

    LATE = "late"
    UNAUTHORIZED_SENDER = "unauthorized_sender"
    AUTH_FAILED = "auth_failed"
    OVER_QUOTA = "over_quota"
    NEEDS_REVIEW = "needs_review"
    UNDELIVERABLE = "undeliverable"


class Action(StrEnum):
    """What a rule of the chain does when it catches a message."""

    IGNORE = "ignore"  # not ours: no reply, nothing kept
    HOLD = "hold"  # nominees kept pending for review, no reply at all
    UNAUTHORIZED = "unauthorized"
    NEEDS_INFO = "needs_info"
    DUPLICATE = "duplicate"
    LATE = "late"
    ANSWER_WITHDRAWAL = "answer_withdrawal"  # accepted, answered as a withdrawal
    FLAG = "flag"  # only adds the rule's participant flag (to the nominees it names)
    NO_REPLY = "no_reply"  # the outcome stands; the automatic reply is not sent
    REFUSE_WITHDRAWAL = "refuse_withdrawal"  # the addresses it names are not withdrawn


class Folder(StrEnum):
    """Where a processed message goes (the configured folder names)."""

    PROCESSED = "processed"
    REVIEW = "review"
    INBOX = "inbox"  # left where it was, untouched


class Change(StrEnum):
    """The kind of change a ``decision`` row records on a participant."""

    NOMINATE = "nominate"
    CORRECT_ADDRESS = "correct_address"
    WITHDRAW = "withdraw"
    BOUNCE = "bounce"
    ACCEPT = "accept"
    REJECT = "reject"


class AuthResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NONE = "none"


class MailStatus(StrEnum):
    """The life of an outbox row."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Template(StrEnum):
    """The mails the bot writes (``templates/<lang>/<name>.{txt,html,subject}.j2``)."""

    CONFIRMATION = "confirmation"
    LATE = "late"
    UNAUTHORIZED = "unauthorized"
    NEEDS_INFO = "needs_info"
    DUPLICATE = "duplicate"
    WITHDRAWAL = "withdrawal"
    PARTICIPANT_REGISTERED = "participant_registered"
    BOUNCE_NOTICE = "bounce_notice"
    DECISION = "decision"
    DIGEST = "digest"
    ACCESS = "access"  # a participant's access instructions, with a calendar invitation
    ACCESS_CANCELLED = "access_cancelled"  # the same invitation cancelled (METHOD:CANCEL)
    REMINDER = "reminder"  # to focal points of a government that has not nominated yet
    PARTICIPANT_UPDATED = "participant_updated"  # a participant's address corrected by staff
    STAFF_REPLY = "staff_reply"  # what a staff member's decisions by e-mail did


REPLY_TEMPLATES = (
    Template.CONFIRMATION,
    Template.LATE,
    Template.UNAUTHORIZED,
    Template.NEEDS_INFO,
    Template.DUPLICATE,
    Template.WITHDRAWAL,
)


class RefreshOutcome(StrEnum):
    """What one run of the directory refresh job did."""

    IMPORTED = "imported"
    REFUSED = "refused"  # it would have removed too many entries
    FAILED = "failed"  # the index could not be fetched or read


class WarningCode(StrEnum):
    """Something the reader noticed about a message; shown to staff, never fatal."""

    AMBIGUOUS_EVENT = "ambiguous_event"
    ATTACHMENT_SKIPPED = "attachment_skipped"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    ATTACHMENT_TRUNCATED = "attachment_truncated"
    CHARSET_MISMATCH = "charset_mismatch"
    DELIVERY_DELAYED = "delivery_delayed"
    MISSING_ADDRESS = "missing_address"
    NO_TEXT_LAYER = "no_text_layer"
    OBFUSCATED_ADDRESS = "obfuscated_address"
    OCR_READ = "ocr_read"
    PARSE_ERROR = "parse_error"
    UNREADABLE_ATTACHMENT = "unreadable_attachment"


# Warnings meaning the nominees may be in a part that could not be read.
UNREAD_WARNINGS = (
    WarningCode.UNREADABLE_ATTACHMENT,
    WarningCode.NO_TEXT_LAYER,
    WarningCode.ATTACHMENT_TOO_LARGE,
)


@dataclass(frozen=True)
class Warning:  # noqa: A001 — the reader's word for it; never raised
    """One warning: a code and what it is about (a file name, a name, an address)."""

    code: WarningCode
    detail: str = ""
    subject: str = ""  # the attachment or person it concerns, when there is one

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.detail else str(self.code)


class ReasonCode(StrEnum):
    """Why the chain decided as it did; rendered per language by the templates."""

    ROBOT = "robot"
    NOT_A_NOMINATION = "not_a_nomination"
    NO_OPEN_EVENT = "no_open_event"
    AUTH_FAILED = "auth_failed"
    UNVERIFIED_SENDER = "unverified_sender"
    NOT_IN_DIRECTORY = "not_in_directory"
    ROLE_NOT_NOMINATING = "role_not_nominating"
    FALLBACK_BLOCKED = "fallback_blocked"
    NO_ADDRESS = "no_address"
    NO_PARTICIPANT = "no_participant"
    ALL_DUPLICATES = "all_duplicates"
    LATE = "late"
    OVER_QUOTA = "over_quota"
    REPLY_CAP = "reply_cap"
    REOPENED = "reopened"
    READ_BY_OCR = "read_by_ocr"
    TOO_LARGE = "too_large"
    BOT_FAILED = "bot_failed"
    BOUNCED = "bounced"
    UNMATCHED_BOUNCE = "unmatched_bounce"
    WITHDRAWN_BY_NOMINATOR = "withdrawn_by_nominator"
    WITHDRAWAL_REFUSED = "withdrawal_refused"
    WITHDRAWAL_ONLY = "withdrawal_only"


@dataclass(frozen=True)
class Reason:
    """A decision's reason: a code and the values its sentence needs (all plain text)."""

    code: ReasonCode
    params: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": str(self.code), **self.params}

    @classmethod
    def from_json(cls, value: dict | str) -> "Reason":
        if isinstance(value, str):  # rows written before reasons had codes
            return cls(ReasonCode.NOT_A_NOMINATION, {"text": value})
        params = {k: str(v) for k, v in value.items() if k != "code"}
        return cls(ReasonCode(value["code"]), params)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))


class StaffRole(StrEnum):
    """What a staff account of the web interface may do (``staff_account.role``)."""

    DECIDER = "decider"  # reads everything, decides, edits and adds participants
    VIEWER = "viewer"  # reads everything, changes nothing


class StaffChange(StrEnum):
    """Changes staff make to a participant's details on the web page, stored in
    ``decision.action`` beside the status changes of ``Change`` (an address corrected by
    staff is ``Change.CORRECT_ADDRESS``, as when a focal point corrects it)."""

    CORRECT_NAME = "correct_name"
    CORRECT_ORGANIZATION = "correct_organization"
    ADD_BY_HAND = "add_by_hand"  # registered from a letter, a call, a form: not from the inbox
