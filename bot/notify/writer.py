"""Mail the bot writes, the last step before the outbox: ``templates/<lang>/<name>.*.j2``.
The templates ship in the package (``bot/templates`` in a wheel, the top-level
``templates/`` in a checkout); a configured ``templates_dir`` overrides them file by file.
``MailWriter.check`` renders them all with a sample context at start-up. Reasons and
reading problems arrive as codes, worded by each language's ``_reasons.txt.j2``; role
codes are named by its ``roles.toml``. Language falls back from the sender's to the
event's to English. Every mail carries ``Auto-Submitted`` (``auto-replied`` for replies,
``auto-generated`` otherwise), a Message-ID of the bot's domain, the bot's loop stamp,
and — for replies — threading headers and the original subject with ``Re:``. Header
values built from untrusted text are flattened to one line first.
"""

import secrets
import tomllib
import traceback
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_name
from babel.dates import format_datetime as babel_datetime
from babel.lists import format_list
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from jinja2.exceptions import TemplateNotFound, TemplateSyntaxError

from bot.errors import ConfigError
from bot.message.robots import LOOP_HEADER
from bot.notify.phrasebook import Phrasebooks
from bot.notify.samples import emptied
from bot.store.models import utcnow
from bot.text import clean_header
from bot.vocab import ReasonCode

MAX_REFERENCES = 10
# CRLF line ends; headers folded only past RFC 5322's hard limit, so that no client sees
# a Subject folded straight after its colon (which some read back with a leading space).
WIRE = SMTP.clone(max_line_length=998)
WIRE_UTF8 = WIRE.clone(utf8=True)
_REPLY_PREFIX = ("re:", "réf:", "ref:", "rép:", "aw:", "r:", "sv:", "resp:")

PACKAGE = Path(__file__).resolve().parent.parent  # the ``bot`` package
REASONS = "_reasons.txt.j2"  # per language: macros reason(r), problem(p), nominators(event)
ROLES = "roles.toml"  # per language: [CODE] one = "…", many = "…"
SAMPLE = "sample-context.toml"  # beside the packaged templates: what check() renders with
# Reasons a sender may read in a reply; the others (robots, forged senders, the bot's own
# failures) never get one, and their details are technical English.
REPLY_REASONS = frozenset(map(ReasonCode, (
    "not_in_directory", "role_not_nominating", "fallback_blocked", "no_address",
    "no_participant", "all_duplicates", "late", "over_quota", "reopened", "too_large",
    "withdrawal_refused",
)))  # fmt: skip
_ACTIONS = ("accept", "reject", "withdraw")
_PHRASE = '{% import lang ~ "/_reasons.txt.j2" as why with context %}{{ why[macro](value) }}'


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


def packaged_templates() -> Path:
    """The templates that ship with the bot: in the wheel, or in the source checkout."""
    for candidate in (PACKAGE / "templates", PACKAGE.parent / "templates"):
        if (candidate / "en").is_dir():
            return candidate
    raise ConfigError(f"templates: no packaged templates in {PACKAGE} (reinstall the bot)")


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


def _local_time(moment: datetime, language: str) -> str:
    """A day and a time of day (no seconds, no zone) written the language's way."""
    locale = _locale(language)
    pattern = str(locale.datetime_formats["medium"]).replace("'", "")
    day = format_date(moment.date(), "long", locale=locale)
    return pattern.format(format_time(moment.time(), "short", locale=locale), day)


def _date_filter(value, language: str = "en", form: str = "long") -> str:
    """A date, or an aware time: "long" names its zone ("… 23:59 (heure d’été de l’Est …)"),
    "when" is the day and time of day alone."""
    if isinstance(value, datetime) and form == "when":
        return _local_time(value, language)
    if isinstance(value, datetime) and form == "long" and value.tzinfo is not None:
        zone = get_timezone_name(value, width="long", locale=_locale(language))
        return f"{_local_time(value, language)} ({zone})"
    if isinstance(value, datetime):
        return babel_datetime(value, format=form, locale=language, tzinfo=value.tzinfo)
    if isinstance(value, date):
        return format_date(value, format=form, locale=language)
    return str(value)


def _stamp_filter(value, language: str = "en") -> str:
    """A "YYYY-MM-DD HH:MM" local time (as reasons carry it) written the language's way."""
    try:
        return _local_time(datetime.strptime(str(value), "%Y-%m-%d %H:%M"), language)
    except ValueError:
        return str(value)


def _country_filter(code, language: str = "en") -> str:
    """A country's name in the language (ISO 3166-1 alpha-2), or the code as it is."""
    return _locale(language).territories.get(str(code).upper(), str(code))


def _listing_filter(items, language: str = "en", style: str = "standard") -> str:
    """The language's way of listing: "A, B and C", or "A or B" with style="or"."""
    items = [str(i) for i in items if i]
    return format_list(items, style=style, locale=_locale(language)) if items else ""


def _public_filter(reasons, *skip: str) -> list[dict]:
    """The reasons a reply may word, less those its template already says itself."""
    shown = REPLY_REASONS.difference(skip)
    return [r for r in reasons or () if isinstance(r, dict) and r.get("code") in shown]


def _codes(value) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value or ()]


class MailWriter:
    """Renders templates into complete messages for one configuration.

    ``templates`` is the optional override folder (``templates_dir``); the packaged
    templates answer for every file it does not have.
    """

    def __init__(
        self, templates: Path | None, sender: str, reply_to: str | None, domain: str
    ) -> None:
        if templates is not None and not Path(templates).is_dir():
            raise ConfigError(f"templates_dir: {templates} is not a folder")
        self.packaged = packaged_templates()
        self.override = Path(templates).resolve() if templates is not None else None
        self.roots = [r for r in (self.override, self.packaged) if r is not None]
        self.sender = sender
        self.reply_to = reply_to
        self.domain = domain
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(root)) for root in self.roots]),
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )  # fmt: skip
        self.roles = self._load_roles()
        self.env.filters.update(date=_date_filter, stamp=_stamp_filter, country=_country_filter)
        self.env.filters.update(listing=_listing_filter, public=_public_filter)
        self.env.filters["roles"] = self.role_labels
        self.env.globals["phrases"] = Phrasebooks(self.roots, self._show)
        # {{ r | reason(lang) }}, {{ p | problem(lang) }}, {{ event | nominators(lang) }} give
        # plain text, which HTML mail escapes like any value (a macro imported would not).
        for macro in ("reason", "problem", "nominators"):
            self.env.filters[macro] = partial(self._phrase, macro)
        self._phrases = self.env.from_string(_PHRASE)

    def languages(self) -> list[str]:
        """Every language some template folder has a mail for."""
        folders = (folder for root in self.roots for folder in root.iterdir())
        return sorted({f.name for f in folders if f.is_dir() and any(f.glob("*.txt.j2"))})

    def _find(self, language: str, filename: str) -> Path | None:
        """The file that answers for ``<language>/<filename>``: the override's first."""
        paths = (root / language / filename for root in self.roots)
        return next((path for path in paths if path.is_file()), None)

    def language_for(self, name: str, *preferred: str | None) -> str:
        for language in (*preferred, "en"):
            if language and "/" not in language and self._find(language, f"{name}.txt.j2"):
                return language
        raise ConfigError(f"templates: no {name}.txt.j2 in {self.packaged}/en")

    def _load_roles(self) -> dict[str, dict[str, dict[str, str]]]:
        """Role labels per language; the override's entries replace the packaged ones."""
        labels: dict[str, dict[str, dict[str, str]]] = {}
        for root in reversed(self.roots):
            for path in sorted(root.glob(f"*/{ROLES}")):
                try:
                    data = tomllib.loads(path.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
                    raise ConfigError(f"{self._show(str(path))}: {exc}") from None
                table = labels.setdefault(path.parent.name, {})
                for code, forms in data.items():  # CODE = "label", or [CODE] one/many
                    forms = forms if isinstance(forms, dict) else {"one": forms}
                    table[code] = {k: str(v) for k, v in forms.items()}
        return labels

    def role_labels(self, codes, language: str = "en", form: str = "many") -> list[str]:
        """Labels of role codes (list or "A, B"): ``one`` or ``many`` form, each once, else code."""
        table = self.roles.get(language, {})
        labels: list[str] = []
        for code in _codes(codes):
            forms = table.get(code, {})
            label = forms.get(form) or forms.get("one") or code
            if label not in labels:
                labels.append(label)
        return labels

    def _phrase(self, macro: str, value: dict | str, language: str) -> str:
        if not language or "/" in language or not self._find(language, REASONS):
            language = "en"
        return self._phrases.render(macro=macro, value=value, lang=language).strip()

    def describe_reason(self, reason: dict, language: str) -> str:
        """One reason (``{"code": …, **params}``) as a sentence in a language."""
        return self._phrase("reason", reason, language)

    def _show(self, filename: str) -> str:
        """A template's file as a person finds it: ``templates/…`` or the override's path."""
        path = Path(filename)
        if path.is_relative_to(self.packaged):
            return f"templates/{path.relative_to(self.packaged).as_posix()}"
        return str(path)

    def _config_error(self, exc: Exception, fallback: str) -> ConfigError:
        where = fallback
        if isinstance(exc, TemplateSyntaxError) and exc.filename:
            where = f"{self._show(exc.filename)}:{exc.lineno}"
        else:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if ".j2" in f.filename]
            if frames:
                where = f"{self._show(frames[-1].filename)}:{frames[-1].lineno}"
        what = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(exc, TemplateNotFound):
            what = f"no template {exc.name}"
        return ConfigError(" ".join(f"{where}: {what}".split()))

    def sample_contexts(self) -> list[dict]:
        """Contexts shaped like the pipeline's: everything filled in, and everything empty."""
        path = self.packaged / SAMPLE
        try:
            full = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError) as exc:
            raise ConfigError(f"{self._show(str(path))}: {exc}") from None
        digest, event = full.pop("digest"), full["event"]
        zone = ZoneInfo(event["timezone"])  # local times, as the pipeline gives them
        full["received"] = full["received"].astimezone(zone)
        event["deadline"] = event["deadline"].astimezone(zone)
        bare = {k: [] if isinstance(v, list) else None if isinstance(v, str) else v
                for k, v in full.items()}  # fmt: skip
        bare["participant"] = {**full["participant"], "name": None, "organization": None}
        bare["event"] = {**full["event"], "fallback_blocked_by": [], "references": []}
        full["digest"], bare["digest"] = digest, emptied(digest)
        return [full, bare]

    def check(self) -> None:
        """Compile and render every template of every language with sample contexts.

        Raises ConfigError with one line naming the file and line of the first fault, or
        a reason or problem code that a language's ``_reasons.txt.j2`` does not word.
        """
        for name in self.env.list_templates(filter_func=lambda n: n.endswith(".j2")):
            try:
                self.env.get_template(name)
            except Exception as exc:  # any fault in a template stops the start-up alike
                raise self._config_error(exc, f"templates/{name}") from None
        contexts = self.sample_contexts()
        for language in self.languages():
            self._check_phrases(language, contexts[0])
            files = (p for root in self.roots for p in (root / language).glob("*.j2"))
            names = {p.name.split(".")[0] for p in files if not p.name.startswith("_")}
            for name in sorted(names):
                for context in contexts:
                    for action in _ACTIONS if name == "decision" else _ACTIONS[:1]:
                        try:
                            self.render(name, language, {**context, "action": action})
                        except Exception as exc:
                            where = f"templates/{language}/{name}.txt.j2"
                            raise self._config_error(exc, where) from None

    def _check_phrases(self, language: str, sample: dict) -> None:
        given = {r["code"]: r for r in sample["reasons"]}
        cases = [("reason", given.get(str(c), {"code": str(c)})) for c in ReasonCode]
        cases += [("problem", p) for p in sample["problems"]]
        for macro, value in cases:
            try:
                text = self._phrase(macro, value, language)
            except Exception as exc:
                raise self._config_error(exc, f"templates/{language}/{REASONS}") from None
            if not text or text == value["code"]:
                where = self._show(str(self._find(language, REASONS) or self._find("en", REASONS)))
                raise ConfigError(f"{where}: no sentence for the {macro} {value['code']!r}")

    def _render(self, path: str, context: dict) -> str | None:
        try:
            template = self.env.get_template(path)
        except TemplateNotFound as exc:
            if exc.name != path:
                raise  # the template exists but something it imports does not
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
        message_id = clean_header(message_id) or f"<{secrets.token_hex(16)}.nombot@{self.domain}>"
        message["From"] = self.sender
        message["To"] = _address(to, to_name)
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        if original is not None:
            subject = reply_subject(original.subject)
            answered = _message_id(original.message_id)
            if answered:
                message["In-Reply-To"] = answered
                chain = [_message_id(r) for r in original.references]
                chain = [r for r in chain if r and r != answered]
                message["References"] = " ".join((chain + [answered])[-MAX_REFERENCES:])
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


def _message_id(value: str | None) -> str:
    """A Message-ID from the mail being answered, or "" when it is not one token (it
    goes into our headers: no line break, no space)."""
    cleaned = clean_header(value)
    return "" if " " in cleaned else cleaned


def _address(address: str, name: str | None) -> str:
    _, bare = parseaddr(address)
    display = clean_header(name or "", 200).replace('"', "'")
    if not display:
        return bare
    try:
        return str(Address(display_name=display, addr_spec=bare))
    except (ValueError, IndexError):
        return bare
