"""The checks the commands make on what staff type: enumerated options against their valid
values, texts that must say something. Each refusal is one line naming the option."""

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.errors import UserError
from bot.store.models import Event as EventRow
from bot.store.models import Participant
from bot.vocab import Flag, ParticipantStatus


def one_of(option: str, value: str, valid: list[str] | tuple[str, ...]) -> str:
    """``value`` when it is one of ``valid``, else a UserError listing them."""
    if value in valid:
        return value
    listed = ", ".join(valid) if valid else "none yet"
    raise UserError(f"{option}: {value!r} is not one of {listed}")


def status(value: str | None) -> str | None:
    if value is None:
        return None
    return one_of("--status", value.strip().lower(), [str(s) for s in ParticipantStatus])


def flag(value: str | None) -> str | None:
    if value is None:
        return None
    return one_of("--flag", value.strip().lower(), [str(f) for f in Flag])


def known_events(engine: Engine | None, configured: list[str]) -> list[str]:
    """The configured events' slugs, those the database mirrors and those participants are
    registered for."""
    slugs = set(configured)
    if engine is not None:
        with Session(engine) as session:
            slugs.update(session.exec(select(EventRow.slug)).all())
            slugs.update(session.exec(select(Participant.event_slug).distinct()).all())
    return sorted(slugs)


def event(value: str | None, engine: Engine | None, configured: list[str]) -> str | None:
    if value is None:
        return None
    return one_of("--event", value.strip(), known_events(engine, configured))


def government(value: str | None, in_queue: list[str]) -> str | None:
    """A government's code (``KE``, ``ORG:…``) from its code or its English name."""
    if value is None:
        return None
    from babel import Locale

    territories = Locale.parse("en").territories
    wanted = value.strip()
    if wanted.upper().startswith("ORG:") or wanted.upper() in {g.upper() for g in in_queue}:
        return wanted
    if len(wanted) == 2 and wanted.upper() in territories:
        return wanted.upper()
    for code, name in territories.items():
        if len(code) == 2 and name.casefold() == wanted.casefold():
            return code
    waiting = ", ".join(in_queue) or "none"
    raise UserError(
        f"--government: {value!r} is neither a country code (KE), an English country name "
        f"(Kenya) nor ORG:<id>; governments in the queue: {waiting}"
    )


def text(option: str, value: str | None, what: str) -> str | None:
    """The text without surrounding blanks; a blank one is refused (``what`` says why)."""
    if value is None:
        return None
    stripped = value.strip()
    if not stripped:
        raise UserError(f"{option}: blank; {what}")
    return stripped
