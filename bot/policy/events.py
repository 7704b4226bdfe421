"""Calls for nominations as staff write them: ``rules/events/<slug>.toml``.

Every file is validated when the bot starts; one bad file stops start-up with a line
naming the file, the line and the key, so nothing is ever decided under a half-loaded
policy.
"""

import re
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.config import TimeZoneName
from bot.errors import ConfigError
from bot.reading.references import EventTerms

ROLE_PATTERN = r"^[A-Z][A-Z0-9-]{1,31}$"
DEADLINE_FORMS = (
    "write a local date and time without offset (2025-07-11T17:00:00) or a date alone "
    "(2025-07-11, meaning the end of that day: 23:59:59.999999), both in `timezone`"
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventSpec(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")
    name: str = Field(min_length=1)
    references: list[str] = []
    notification_date: date
    deadline: datetime  # local time in `timezone`; a date alone is the end of that day
    timezone: TimeZoneName
    starts: date
    ends: date
    closes: date | None = None
    language: str = Field("en", pattern=r"^[a-z]{2}$")
    nominating_roles: list[str] = Field(min_length=1)
    fallback_roles: list[str] = []
    # A fallback role nominates only for a government where nobody holds one of these.
    fallback_blocked_by: list[str] = ["CPB-FP1", "CPB-FP2"]
    match: list[str] = []
    max_per_government: int = Field(0, ge=0)
    # Days after the event ends until its personal data is purged; unset: [retention] days.
    retention_days: int | None = Field(None, ge=0)

    @field_validator("deadline", mode="before")
    @classmethod
    def _date_is_end_of_day(cls, value: Any) -> Any:
        """``deadline = 2025-07-10`` (a TOML date) is the last instant of that day."""
        if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
            value = date.fromisoformat(value.strip())
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime.combine(value, time.max)
        return value

    @field_validator("deadline")
    @classmethod
    def _local_time(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError(f"has an offset; {DEADLINE_FORMS}")
        return value

    @field_validator("nominating_roles", "fallback_roles", "fallback_blocked_by")
    @classmethod
    def _role_codes(cls, roles: list[str]) -> list[str]:
        for role in roles:
            if not re.match(ROLE_PATTERN, role):
                raise ValueError(f"{role!r} is not a role code such as CPB-FP1")
        return roles

    @model_validator(mode="after")
    def _dates_in_order(self) -> "EventSpec":
        if self.ends < self.starts:
            raise ValueError("ends: before starts")
        if self.notification_date > self.deadline.date():
            raise ValueError("deadline: before notification_date")
        return self


class SessionSpec(_Strict):
    """One sitting of the event, in local time of the event's ``timezone``."""

    starts: datetime
    ends: datetime

    @model_validator(mode="after")
    def _local_and_in_order(self) -> "SessionSpec":
        if self.starts.tzinfo is not None or self.ends.tzinfo is not None:
            raise ValueError("write local times without offset; the zone is `timezone`")
        if self.ends <= self.starts:
            raise ValueError("ends: not after starts")
        return self


class AccessSpec(_Strict):
    url: str | None = None
    instructions: str | None = None
    publish_at: datetime | None = None
    sessions: list[SessionSpec] = []


class RemindersSpec(_Strict):
    """Opt-in reminders to governments that have not nominated (bot.reminders)."""

    days_before_deadline: list[Annotated[int, Field(ge=0, le=365)]] = []
    # Local time (event's timezone) from which a reminder day's mails go out.
    at: time = time(9, 0)


class EventFile(_Strict):
    event: EventSpec
    access: AccessSpec | None = None
    reminders: RemindersSpec | None = None


class Event:
    """One call for nominations with its times resolved in its own time zone."""

    def __init__(self, spec: EventFile, path: Path) -> None:
        self.spec = spec.event
        self.access = spec.access
        self.reminders = spec.reminders
        self.path = path
        self.zone = ZoneInfo(self.spec.timezone)

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def deadline_utc(self) -> datetime:
        return self.spec.deadline.replace(tzinfo=self.zone).astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def on_time(self, received: datetime) -> bool:
        """Received no later than the deadline (both compared as instants)."""
        return received.astimezone(UTC) <= self.deadline_utc

    def opens_utc(self) -> datetime:
        return datetime.combine(self.spec.notification_date, time.min, self.zone).astimezone(UTC)

    def closes_utc(self) -> datetime:
        last_day = self.spec.closes or self.spec.ends
        return datetime.combine(last_day + timedelta(days=1), time.min, self.zone).astimezone(UTC)

    def is_open(self, moment: datetime) -> bool:
        """Whether mail received at ``moment`` can belong to this call for nominations."""
        return self.opens_utc() <= moment.astimezone(UTC) < self.closes_utc()

    @property
    def terms(self) -> EventTerms:
        """What identifies this call in a text, for the reader."""
        return EventTerms(self.slug, tuple(self.spec.references), tuple(self.spec.match))

    def __repr__(self) -> str:
        return f"Event({self.slug!r})"


def _line_of(text: str, section: str | None, key: str | None) -> int | None:
    """The line where ``key`` is written in ``[section]`` (the section's line if it is
    missing), for error messages."""
    current = None
    section_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[([^\]]+)\]", stripped)
        if header:
            current = header.group(1).strip()
            if current == section:
                section_line = number
            continue
        if key and current == section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    return section_line


def _describe(error: ValidationError, text: str) -> tuple[str, int | None]:
    first = error.errors()[0]
    location = [str(p) for p in first["loc"]]
    section = location[0] if location else None
    key = location[1] if len(location) > 1 else None
    line = _line_of(text, section, key) if section else None
    where = ".".join(location) or "(file)"
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "missing"
    else:
        message = str(first["msg"]).removeprefix("Value error, ")
    if location == ["event", "deadline"] and first["type"].startswith(("datetime", "date")):
        message = f"{message}; {DEADLINE_FORMS}"
    return f"{where}: {message}", line


def load_event_file(path: Path) -> Event:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        spec = EventFile.model_validate(data)
    except ValidationError as exc:
        message, line = _describe(exc, text)
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: {message}") from None
    if spec.event.slug != path.stem:
        line = _line_of(text, "event", "slug")
        raise ConfigError(f"{path}:{line}: event.slug: must match the file name ({path.stem!r})")
    return Event(spec, path)


def load_events(rules_dir: Path) -> list[Event]:
    """All events under ``rules_dir/events``; raises ConfigError at the first bad file."""
    folder = rules_dir / "events"
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no events folder (rules_dir is {rules_dir})")
    events = [load_event_file(path) for path in sorted(folder.glob("*.toml"))]
    references: dict[str, str] = {}
    for event in events:
        for reference in event.spec.references:
            key = reference.strip().upper()
            if key in references:
                raise ConfigError(
                    f"{event.path}: event.references: {reference!r} is also used by "
                    f"{references[key]}"
                )
            references[key] = event.slug
    return events
