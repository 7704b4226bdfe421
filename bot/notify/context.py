"""What a mail template is given: plain dicts built from an event, participants, the
reading and the decision. Reasons and problems travel as codes; the templates word them
in the recipient's language."""

from datetime import datetime

from bot.policy.events import Event
from bot.reading.analysis import Analysis, Nominee
from bot.store.models import Participant
from bot.vocab import Flag, Reason, WarningCode

PROBLEM_CODES = (
    WarningCode.UNREADABLE_ATTACHMENT,
    WarningCode.NO_TEXT_LAYER,
    WarningCode.ATTACHMENT_TOO_LARGE,
    WarningCode.ATTACHMENT_TRUNCATED,
)


def event_view(event: Event) -> dict:
    spec = event.spec
    return {
        "name": spec.name,
        "slug": spec.slug,
        "references": spec.references,
        "starts": spec.starts,
        "ends": spec.ends,
        "timezone": spec.timezone,
        "deadline": event.deadline_utc.astimezone(event.zone),
        "nominating_roles": list(spec.nominating_roles),
        "fallback_roles": list(spec.fallback_roles),
        "fallback_blocked_by": list(spec.fallback_blocked_by),
    }


def person(p: Participant | Nominee) -> dict:
    return {
        "name": p.name,
        "email": p.email,
        "title": p.title,
        "organization": p.organization,
        "status": getattr(p, "status", None),
        "flags": list(getattr(p, "flags", [])),
    }


def problems(analysis: Analysis) -> list[dict]:
    """The attachments that could not be read, for the sender to hear about."""
    return [
        {"code": str(w.code), "file": w.subject}
        for w in analysis.warnings
        if w.code in PROBLEM_CODES
    ]


def reasons(items: list[Reason]) -> list[dict]:
    return [r.as_json() for r in items]


def reply_context(
    *,
    event: Event,
    analysis: Analysis,
    decision_reasons: list[Reason],
    duplicates: list[Nominee],
    confirmed: list[Participant],
    pending: list[Participant],
    withdrawn: list[str],
    not_found: list[str],
    secretariat: str,
    received: datetime,
) -> dict:
    """The context of an automatic reply to a nominating focal point."""
    over = [p for p in pending if Flag.OVER_QUOTA in p.flags]
    return {
        "event": event_view(event),
        "sender_name": analysis.from_name or None,
        "confirmed": [person(p) for p in confirmed],
        "pending": [person(p) for p in pending],
        "over_quota": [person(p) for p in over],
        "duplicates": [person(p) for p in duplicates],
        "withdrawn": withdrawn,
        "not_found": not_found,
        "missing": [p.name for p in analysis.participants if not p.email and p.name],
        "problems": problems(analysis),
        "reasons": reasons(decision_reasons),
        "secretariat": secretariat,
        "received": received.astimezone(event.zone),
    }
