"""Storage model: every table the pipeline reads or writes.

The pipeline writes one inbound message, its nomination, its participants and the
mails it queues in a single transaction; the outbox sender and the IMAP mover work from
these rows afterwards, so a crash at any point can be resumed from the database.
Times are timezone-aware and stored in UTC.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.vocab import MailStatus

# Tables in the bot's database that the migrations do not manage: the scheduler's job
# store, which APScheduler creates itself.
JOBS_TABLE = "apscheduler_jobs"
UNMANAGED_TABLES = frozenset({JOBS_TABLE})


def managed_by_migrations(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` filter: every table but the unmanaged ones."""
    return not (type_ == "table" and name in UNMANAGED_TABLES)


def utcnow() -> datetime:
    """The current time in UTC, the form every column stores."""
    return datetime.now(UTC)


class Event(SQLModel, table=True):
    """A call for nominations, mirrored from ``rules/events/<slug>.toml``."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=100)
    name: str
    deadline_utc: datetime
    timezone: str = Field(max_length=64)
    access_published_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class FocalPoint(SQLModel, table=True):
    """One role held by one address for one government (ISO-2) or organization (ORG:id)."""

    __tablename__ = "focal_point"
    __table_args__ = (
        UniqueConstraint("country", "role", "email", name="uq_focal_point_role"),
        CheckConstraint("email = lower(email)", name="ck_focal_point_email_lower"),
    )
    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(index=True, max_length=64)
    role: str = Field(max_length=32)
    name: str
    email: str = Field(index=True, max_length=320)
    organization: str | None = None
    language: str | None = Field(default=None, max_length=8)
    source: str = Field(default="csv", max_length=16)
    imported_at: datetime = Field(default_factory=utcnow)


class MailboxState(SQLModel, table=True):
    """Where ingestion stopped in one mailbox: UIDVALIDITY and the last UID handled."""

    __tablename__ = "mailbox_state"
    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(unique=True, max_length=500)
    uidvalidity: int | None = None
    last_uid: int = 0
    updated_at: datetime = Field(default_factory=utcnow)
    checked_at: datetime | None = None  # last ingestion cycle that reached the server
    failing_since: datetime | None = None  # first failed cycle of the current outage
    last_error: str | None = None


class InboundMessage(SQLModel, table=True):
    """One message fetched from the inbox and the single outcome it got."""

    __tablename__ = "inbound_message"
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, max_length=64)
    mailbox: str = Field(max_length=500)
    uidvalidity: int | None = None
    uid: int | None = None
    source_key: str | None = Field(default=None, index=True, max_length=500)
    message_id: str | None = Field(default=None, index=True, max_length=998)
    content_hash: str = Field(max_length=64)
    received_at: datetime
    from_email: str | None = Field(default=None, max_length=320)
    from_name: str | None = None
    subject: str | None = None
    size: int = 0
    kind: str | None = Field(default=None, max_length=16)
    language: str | None = Field(default=None, max_length=8)
    event_slug: str | None = Field(default=None, max_length=100)
    outcome: str = Field(max_length=16)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    analysis: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    auth_result: str | None = Field(default=None, max_length=16)
    target_folder: str | None = Field(default=None, max_length=200)
    moved_at: datetime | None = None
    processed_at: datetime = Field(default_factory=utcnow)
    error: str | None = None


class RawMessage(SQLModel, table=True):
    """The bytes of an inbound message, kept apart so listings stay light."""

    __tablename__ = "raw_message"
    id: int | None = Field(default=None, primary_key=True)
    inbound_message_id: int = Field(foreign_key="inbound_message.id", unique=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class MessageFailure(SQLModel, table=True):
    """A message whose processing failed and that stays in the inbox to be tried again:
    how many times it failed. Gone once it is decided, or set aside for review after
    the last attempt (bot.processing.failures); while it waits, the mailbox's last UID
    stays below it."""

    __tablename__ = "message_failure"
    __table_args__ = (UniqueConstraint("mailbox", "dedupe_key"),)
    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(max_length=500)
    dedupe_key: str = Field(max_length=64)
    source_key: str | None = Field(default=None, max_length=500)
    uidvalidity: int | None = None
    uid: int | None = None
    attempts: int = 0
    first_failed_at: datetime = Field(default_factory=utcnow)
    last_failed_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = None


class Nomination(SQLModel, table=True):
    """What one message asked for: who nominated, for which government, with what result."""

    __tablename__ = "nomination"
    id: int | None = Field(default=None, primary_key=True)
    inbound_message_id: int = Field(foreign_key="inbound_message.id", index=True)
    event_slug: str = Field(index=True, max_length=100)
    nominator_email: str | None = Field(default=None, max_length=320)
    nominator_name: str | None = None
    nominator_role: str | None = Field(default=None, max_length=32)
    government: str | None = Field(default=None, max_length=64)
    outcome: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Participant(SQLModel, table=True):
    """One nominee of one event; at most one row per (event, e-mail)."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("event_slug", "email", name="uq_participant_event_email"),
        CheckConstraint("email = lower(email)", name="ck_participant_email_lower"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_slug: str = Field(index=True, max_length=100)
    email: str = Field(max_length=320)
    name: str | None = None
    title: str | None = None
    organization: str | None = None
    country: str | None = None
    status: str = Field(max_length=16)
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    government: str | None = Field(default=None, max_length=64)
    nominated_by: str | None = Field(default=None, max_length=320)
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id")
    source: str | None = None
    nominated_at: datetime = Field(default_factory=utcnow)
    access_sent_at: datetime | None = None
    # When a participant who had received access instructions was sent their cancellation.
    access_cancelled_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Decision(SQLModel, table=True):
    """A change of a participant's status, by the rules or by a person, with its reason."""

    __tablename__ = "decision"
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    actor: str = Field(max_length=200)
    reason: str | None = None  # mailed (a rejection's reason)
    note: str | None = None  # staff's own note, never mailed
    message: str | None = None  # staff's words mailed with the decision
    at: datetime = Field(default_factory=utcnow)


class OutboxMail(SQLModel, table=True):
    """A fully rendered mail waiting to be sent, written in the same transaction as its cause."""

    __tablename__ = "outbox_mail"
    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(max_length=64)
    auto_reply: bool = False
    to_email: str = Field(index=True, max_length=320)
    subject: str
    message_id: str = Field(unique=True, max_length=998)
    # Random; names the row in its VERP return path (bot.notify.outbox.verp).
    bounce_token: str | None = Field(default=None, unique=True, index=True, max_length=32)
    inbound_message_id: int | None = Field(default=None, foreign_key="inbound_message.id")
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(default=MailStatus.QUEUED, index=True, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    claimed_by: str | None = Field(default=None, max_length=200)
    claimed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    # What the transport said it took the mail as: the SMTP server's queue id (or its
    # reply to the data), the Maildir file's name.
    queue_id: str | None = Field(default=None, max_length=200)


class AccessLink(SQLModel, table=True):
    """A participant's own link to the event (meeting platforms issue one per registrant),
    imported with ``nombot access links import``; used instead of the event's ``url``."""

    __tablename__ = "access_link"
    __table_args__ = (UniqueConstraint("event_slug", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    event_slug: str = Field(index=True, max_length=100)
    email: str = Field(max_length=320)
    url: str = Field(max_length=2000)
    imported_at: datetime = Field(default_factory=utcnow)


class ReminderSent(SQLModel, table=True):
    """A reminder mailed to a government's focal points for an event on one day: never twice."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("event_slug", "government", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    event_slug: str = Field(index=True, max_length=100)
    government: str = Field(max_length=64)
    day: str = Field(max_length=10)  # ISO date in the event's timezone
    sent_at: datetime = Field(default_factory=utcnow)


class PurgeRecord(SQLModel, table=True):
    """What the retention purge removed of one event's personal data: counts only."""

    __tablename__ = "purge_record"
    id: int | None = Field(default=None, primary_key=True)
    event_slug: str = Field(index=True, max_length=100)
    purged_at: datetime = Field(default_factory=utcnow)
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DirectoryRefresh(SQLModel, table=True):
    """One run of the directory refresh job and what it did, for the digest."""

    __tablename__ = "directory_refresh"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    outcome: str = Field(max_length=16)  # bot.vocab.RefreshOutcome
    entries: int = 0
    added: int = 0
    removed: int = 0
    error: str | None = None


class RunnerLease(SQLModel, table=True):
    """Which process runs the scheduled jobs (``nombot run``): held until ``expires_at`` and
    renewed by its holder, so exactly one process is the job runner."""

    __tablename__ = "runner_lease"
    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=200)
    acquired_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime



class MessageClaim(SQLModel, table=True):
    """A message of a mailbox that one process is working on (bot.store.claims): taken
    before its bytes are fetched, given back once it is decided and moved, so two
    ``nombot run`` on one mailbox never both act on it."""

    __tablename__ = "message_claim"
    __table_args__ = (UniqueConstraint("mailbox", "source_key"),)
    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(max_length=500)
    source_key: str = Field(max_length=500)
    uidvalidity: int | None = None
    uid: int | None = None
    claimed_by: str = Field(max_length=200)
    claimed_at: datetime = Field(default_factory=utcnow)


class StaffAccount(SQLModel, table=True):
    """A secretariat staff member who signs in to the web interface (``nombot staff add``).

    ``session_key`` is random per account and carried in its signed session cookie: a
    cookie made for an account that was removed (or re-created) opens nothing."""

    __tablename__ = "staff_account"
    __table_args__ = (CheckConstraint("email = lower(email)", name="ck_staff_account_email_lower"),)
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=320)
    name: str
    role: str = Field(max_length=16)  # bot.vocab.StaffRole
    password_hash: str = Field(max_length=200)  # argon2id, PHC string
    session_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """One refused sign-in: counted per account and per client address to throttle guessing."""

    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, max_length=320)
    client: str = Field(index=True, max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)
