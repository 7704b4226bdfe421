"""Mail the bot writes: rendered from ``templates/<lang>/<name>.{txt,html}.j2``.

Language falls back from the sender's to the event's to English. Every mail carries
``Auto-Submitted`` (``auto-replied`` for replies, ``auto-generated`` otherwise), a
Message-ID of the bot's domain, the bot's loop stamp, and — for replies —
``In-Reply-To``/``References`` and the original subject with ``Re:``. Header values
built from untrusted text are flattened to one line first.
"""

from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from babel.dates import format_date
from babel.dates import format_datetime as babel_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from bot.errors import ConfigError
from bot.message.robots import LOOP_HEADER
from bot.store.models import utcnow
from bot.text import clean_header

MAX_REFERENCES = 10
# CRLF line ends; headers folded only past RFC 5322's hard limit, so that no client sees
# a Subject folded straight after its colon (which some read back with a leading space).
WIRE = SMTP.clone(max_line_length=998)
WIRE_UTF8 = WIRE.clone(utf8=True)
_REPLY_PREFIX = ("re:", "réf:", "ref:", "rép:", "aw:", "r:", "sv:", "resp:")


@dataclass
class Rendered:
    """A mail ready for the outbox."""

    message: EmailMessage
    message_id: str
    to: str
    subject: str

    @property
    def data(self) -> bytes:
        # An address that is not ASCII can only travel as SMTPUTF8 (RFC 6532) headers.
        return self.message.as_bytes(policy=WIRE if self.to.isascii() else WIRE_UTF8)


@dataclass(frozen=True)
class Original:
    """The message being answered (threading and subject)."""

    message_id: str | None
    subject: str
    references: tuple[str, ...] = ()


def reply_subject(subject: str) -> str:
    subject = clean_header(subject, 900)
    if subject.lower().startswith(_REPLY_PREFIX):
        return subject
    return f"Re: {subject}" if subject else "Re: your message"


def _date_filter(value, language: str = "en", form: str = "long") -> str:
    if isinstance(value, datetime):
        return babel_datetime(value, format=form, locale=language, tzinfo=value.tzinfo)
    if isinstance(value, date):
        return format_date(value, format=form, locale=language)
    return str(value)


class MailWriter:
    """Renders templates into complete messages for one configuration."""

    def __init__(self, templates: Path, sender: str, reply_to: str | None, domain: str) -> None:
        if not templates.is_dir():
            raise ConfigError(f"templates_dir: {templates} is not a folder")
        self.templates = templates
        self.sender = sender
        self.reply_to = reply_to
        self.domain = domain
        self.env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["date"] = _date_filter

    def language_for(self, name: str, *preferred: str | None) -> str:
        for language in (*preferred, "en"):
            if language and (self.templates / language / f"{name}.txt.j2").is_file():
                return language
        raise ConfigError(f"templates: no {name}.txt.j2 in {self.templates}/en")

    def _render(self, path: str, context: dict) -> str | None:
        try:
            template = self.env.get_template(path)
        except TemplateNotFound:
            return None
        return template.render(**context)

    def render(self, name: str, language: str, context: dict) -> tuple[str, str | None, str | None]:
        """(text, html, subject) of a template in a language (html/subject may be absent)."""
        context = {**context, "lang": language}
        text = self._render(f"{language}/{name}.txt.j2", context) or ""
        html = self._render(f"{language}/{name}.html.j2", context)
        subject = self._render(f"{language}/{name}.subject.j2", context)
        return text, html, clean_header(subject) if subject else None

    def compose(
        self,
        *,
        to: str,
        to_name: str | None,
        name: str,
        languages: tuple,
        context: dict,
        original: Original | None = None,
        message_id: str | None = None,
    ) -> Rendered:
        language = self.language_for(name, *languages)
        text, html, subject = self.render(name, language, context)
        message = EmailMessage()
        message_id = clean_header(message_id) or make_msgid(idstring="nombot", domain=self.domain)
        message["From"] = self.sender
        message["To"] = _address(to, to_name)
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        if original is not None:
            subject = reply_subject(original.subject)
            if original.message_id:
                message["In-Reply-To"] = original.message_id
                chain = [r for r in original.references if r != original.message_id]
                chain = (chain + [original.message_id])[-MAX_REFERENCES:]
                message["References"] = " ".join(chain)
            message["Auto-Submitted"] = "auto-replied"
        else:
            message["Auto-Submitted"] = "auto-generated"
        message["Subject"] = clean_header(subject or name.replace("_", " "), 900)
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = message_id
        message[LOOP_HEADER] = self.domain
        message["X-Auto-Response-Suppress"] = "All"
        message["Precedence"] = "auto_reply" if original is not None else "bulk"
        # Quoted-printable keeps every line under the SMTP limit, whatever the template.
        message.set_content(text, cte="quoted-printable")
        if html:
            message.add_alternative(html, subtype="html", cte="quoted-printable")
        message["Content-Language"] = language  # after the body: set_content clears Content-*
        return Rendered(message, message_id, to, str(message["Subject"]))


def _address(address: str, name: str | None) -> str:
    _, bare = parseaddr(address)
    display = clean_header(name or "", 200).replace('"', "'")
    if not display:
        return bare
    try:
        return str(Address(display_name=display, addr_spec=bare))
    except (ValueError, IndexError):
        return bare
