"""Configuration: the TOML file every command starts from.

Loaded and validated once at start-up; a wrong or missing key stops the program with one
line naming it. Relative paths are taken relative to the configuration file, and
secrets are read from the environment variables the file names, never from the file.
"""

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from bot.errors import ConfigError
from bot.oauth import LoginKeys  # the auth and token_command keys of [inbox], [outbox]

DEFAULT_CONFIG_NAMES = ("config.toml",)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class InboxConfig(LoginKeys, _Section):
    url: str = "maildir:var/inbox"
    password_env: str = "NOMBOT_IMAP_PASSWORD"
    idle: bool = True
    poll_interval: int = Field(300, ge=5)
    idle_renew: int = Field(600, ge=30, le=1740)
    processed_folder: str = "Nominations-Processed"
    review_folder: str = "Nominations-Review"
    starttls: Literal["auto", "always", "never"] = "auto"
    tls_verify: bool = True
    ca_file: str | None = None
    timeout: float = Field(60.0, gt=0)
    authserv_id: str | None = None
    max_message_bytes: int = Field(40 * 1024 * 1024, ge=1024)
    fetch_batch: int = Field(20, ge=1, le=500)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("imap://", "imaps://", "maildir:")):
            raise ValueError("must start with imap://, imaps:// or maildir:")
        return value


class OutboxConfig(LoginKeys, _Section):
    url: str = "maildir:var/outbox"
    sender: str = Field("Nominations <nominations@example.org>", alias="from")
    reply_to: str | None = None
    username: str | None = None
    password_env: str = "NOMBOT_SMTP_PASSWORD"
    starttls: Literal["auto", "always", "never"] = "auto"
    tls_verify: bool = True
    ca_file: str | None = None
    timeout: float = Field(60.0, gt=0)
    max_per_minute: int = Field(60, ge=1)
    flush_interval: int = Field(30, ge=1)
    max_attempts: int = Field(12, ge=1)
    # VERP: mail goes out from <local>+<token>@<domain>, so bounces name the mail they are about.
    bounce_address: str | None = None

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("smtp://", "smtps://", "maildir:")):
            raise ValueError("must start with smtp://, smtps:// or maildir:")
        return value

    @field_validator("bounce_address")
    @classmethod
    def _plain_bounce_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        # ASCII, no "+", a local part of at most 30 characters: "+" and the 32-character
        # token must fit in SMTP's 64.
        if not re.fullmatch(r"[a-z0-9](?:[a-z0-9._-]{0,29})@[a-z0-9-]+(?:\.[a-z0-9-]+)+", value):
            raise ValueError(
                "must be a plain address such as bounces@example.org "
                "(ASCII, no '+', at most 30 characters before the @)"
            )
        return value


class DatabaseConfig(_Section):
    url: str = "sqlite:///var/nombot.db"


def check_time_zone(value: str) -> str:
    """An IANA time zone name, or a ValueError naming it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(check_time_zone)]


class DigestConfig(_Section):
    to: list[str] = []
    at: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: TimeZoneName = "UTC"
    # The secretariat's language: the digest is written in it (ar en es fr pt ru zh).
    language: str = "en"
    # The staff review page (``nombot web`` behind its public address), linked from the
    # digest; unset: the digest gives the command that decides each item.
    review_url: str | None = None


class RetentionConfig(_Section):
    """Personal data of an event (names, addresses, raw messages) is purged this many days
    after the event ends; an event file's ``retention_days`` overrides it. 0 = never."""

    days: int = Field(365, ge=0)


class DirectoryConfig(_Section):
    """The optional job refreshing the focal-point directory from the BCH index."""

    refresh_url: str | None = None  # unset: no refresh job
    refresh_hours: int = Field(24, ge=1)
    # An import that would remove more than this share of the entries is refused.
    max_removed_share: float = Field(0.2, ge=0, le=1)
    timeout: float = Field(60.0, gt=0)
    attempts: int = Field(3, ge=1, le=10)  # tries per run, waiting retry_wait, 2×, 4× … between
    retry_wait: float = Field(5.0, ge=0)

    @field_validator("refresh_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ValueError("must be an https:// URL (http:// only on this machine)")
        return value


class LimitsConfig(_Section):
    max_attachments: int = Field(20, ge=0)
    max_attachment_bytes: int = Field(15 * 1024 * 1024, ge=1024)
    max_pdf_pages: int = Field(100, ge=1)
    max_sheet_rows: int = Field(5000, ge=1)
    max_text_chars: int = Field(1_000_000, ge=1000)
    max_nesting: int = Field(3, ge=0)
    # multipart/* and message/* parts parsed in one message; past them the rest is one
    # opaque part (200 levels of nesting cannot exhaust the parser).
    max_mime_containers: int = Field(64, ge=1, le=200)
    # An archive (DOCX, XLSX, ODT, ODS) is refused when its members expand past this many
    # bytes in all, or when a member larger than 1 MiB expands more than this many times.
    max_expanded_bytes: int = Field(32 * 1024 * 1024, ge=1024)
    max_expansion_ratio: int = Field(100, ge=2)


# Mail providers shared by everyone: a secretariat address there says nothing of its domain.
PUBLIC_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com yahoo.com yahoo.fr "
    "icloud.com proton.me protonmail.com gmx.net mail.ru yandex.ru qq.com 163.com "
    "126.com".split()
)


class PolicyConfig(_Section):
    secretariat_addresses: list[str] = []
    # None: the domains of the secretariat's own addresses (inbox, outbox, reply-to and
    # secretariat_addresses); [] for none at all.
    secretariat_domains: list[str] | None = None
    require_authentication_results: bool = False
    daily_reply_cap: int = Field(10, ge=1)


class RunConfig(_Section):
    """``nombot run``: the lease that makes one process the job runner (bot.store.lease)."""

    # Another process holds the lease: "wait" for it (polling), "exit" with status 3, or
    # "share" its ingestion and outbox as a second worker (it leaves the other jobs to it).
    when_leased: Literal["wait", "exit", "share"] = "wait"
    lease_seconds: int = Field(60, ge=3, le=3600)


class WebConfig(_Section):
    """``nombot web``: the staff interface (bot.web). Behind a reverse proxy that ends TLS,
    set ``behind_tls`` (cookies are then always Secure) and name the proxy's address in
    ``forwarded_allow_ips`` so that its X-Forwarded-For/-Proto headers are believed."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # The environment variable holding the key that signs session cookies (32+ characters).
    secret_env: str = "NOMBOT_WEB_SECRET"
    behind_tls: bool = False
    forwarded_allow_ips: str = "127.0.0.1"
    session_hours: int = Field(12, ge=1, le=720)
    # Sign-ins refused for an account, or from one client address, within the window.
    login_failures: int = Field(5, ge=1)
    login_window_minutes: int = Field(15, ge=1)


class LogConfig(_Section):
    """What the bot logs on standard error: ``text`` lines for a terminal, or ``json``, one
    object per line (time, level, logger, message, exception) for a log collector."""

    format: Literal["text", "json"] = "text"


class StaffConfig(_Section):
    """The secretariat's staff: the addresses that may decide by e-mail."""

    addresses: list[str] = []

    @field_validator("addresses")
    @classmethod
    def _lower_case(cls, values: list[str]) -> list[str]:
        return [value.strip().lower() for value in values]


class Config(_Section):
    rules_dir: str = "rules"
    # A folder whose templates replace the packaged ones of the same name and language.
    templates_dir: str | None = None
    inbox: InboxConfig = InboxConfig()
    outbox: OutboxConfig = OutboxConfig()
    database: DatabaseConfig = DatabaseConfig()
    digest: DigestConfig = DigestConfig()
    limits: LimitsConfig = LimitsConfig()
    policy: PolicyConfig = PolicyConfig()
    run: RunConfig = RunConfig()
    retention: RetentionConfig = RetentionConfig()
    directory: DirectoryConfig = DirectoryConfig()
    log: LogConfig = LogConfig()
    # (the staff interface's sections follow)
    web: WebConfig = WebConfig()
    staff: StaffConfig = StaffConfig()

    # Set by load_config: the directory relative paths are resolved against.
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)

    def path(self, value: str | Path) -> Path:
        """An absolute path for a path written in the file (relative to the file)."""
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else (self.base_dir / candidate).resolve()

    @property
    def rules_path(self) -> Path:
        return self.path(self.rules_dir)

    @property
    def templates_path(self) -> Path | None:
        """The override folder for the mail templates, or None: the packaged ones only."""
        return self.path(self.templates_dir) if self.templates_dir else None

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL with a relative SQLite path made absolute."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix) :]))
        return url

    @property
    def sender_address(self) -> str:
        from email.utils import parseaddr

        return parseaddr(self.outbox.sender)[1].lower()

    @property
    def mail_domain(self) -> str:
        """The domain of the bot's own Message-IDs."""
        return self.sender_address.rpartition("@")[2] or "localhost"

    def own_addresses(self) -> set[str]:
        """Addresses that belong to the secretariat or the bot: never participants."""
        from email.utils import parseaddr

        found = {a.lower() for a in self.policy.secretariat_addresses}
        found.add(self.sender_address)
        if self.outbox.reply_to:
            found.add(parseaddr(self.outbox.reply_to)[1].lower())
        inbox = parse_mail_url(self.inbox.url)
        if inbox.username and "@" in inbox.username:
            found.add(inbox.username.lower())
        return {a for a in found if a}

    def own_domains(self) -> set[str]:
        """Domains whose every address is the secretariat's (its staff are never nominees)."""
        if self.policy.secretariat_domains is not None:
            return {d.lower().lstrip("@") for d in self.policy.secretariat_domains}
        domains = {a.rpartition("@")[2] for a in self.own_addresses()}
        return {d for d in domains if d and d not in PUBLIC_MAIL_DOMAINS}


@dataclass(frozen=True)
class MailUrl:
    """A parsed ``imap://``, ``smtp://`` or ``maildir:`` URL."""

    scheme: str
    host: str = ""
    port: int | None = None
    username: str | None = None
    folder: str = "INBOX"
    path: str = ""


def parse_mail_url(url: str) -> MailUrl:
    """Split a mailbox or transport URL; the password never appears in it."""
    if url.startswith("maildir:"):
        return MailUrl(scheme="maildir", path=url[len("maildir:") :])
    parts = urlsplit(url)
    if parts.password:
        raise ValueError("passwords do not belong in URLs: use password_env")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return MailUrl(
        scheme=parts.scheme,
        host=parts.hostname or "",
        port=parts.port,
        username=unquote(parts.username) if parts.username else None,
        folder=folder,
    )


def find_config(explicit: str | Path | None) -> Path | None:
    """The file to read: the one given, else config.toml (the example is never taken)."""
    if explicit:
        return Path(explicit)
    for name in DEFAULT_CONFIG_NAMES:
        if Path(name).is_file():
            return Path(name)
    return None


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    if first["type"] == "missing":
        return f"{where}: missing"
    return f"{where}: {first['msg']}"


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the configuration; raise ConfigError naming the bad key."""
    found = find_config(path)
    if found is None:
        return Config(base_dir=Path.cwd())
    try:
        with open(found, "rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{found}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{found}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{found}: {exc.strerror}") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{found}: {_describe(exc)}") from None
    config.base_dir = found.resolve().parent
    config.source = found.resolve()
    # Parse the URLs once so that a malformed one is reported at start-up, not mid-run.
    for name, section in (("inbox", config.inbox), ("outbox", config.outbox)):
        try:
            parse_mail_url(section.url)
        except (ValueError, ConfigError) as exc:
            raise ConfigError(f"{found}: {name}.url: {exc}") from None
    return config


def secret(env_name: str, what: str) -> str:
    """A secret from the environment, or a ConfigError saying which variable to set."""
    value = os.environ.get(env_name)
    if value is None:
        raise ConfigError(f"{what}: set the environment variable {env_name}")
    return value
