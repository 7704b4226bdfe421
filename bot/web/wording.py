"""How the pages word times, durations and governments (plain strings; the templates
escape them like any other value)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale

TERRITORIES = Locale.parse("en").territories


def local_time(moment: datetime | None, zone: str | ZoneInfo = "UTC") -> str:
    """ "2025-07-11 23:59 America/Toronto": a moment as the clock of a zone shows it."""
    if moment is None:
        return ""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}"


def duration(span: timedelta) -> str:
    """ "2 d 3 h", "3 h 20 min", "12 min" (the sign is the caller's to say)."""
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def government_label(code: str | None, organization: str | None = None) -> str:
    """A government's English name (ISO 3166 alpha-2), or an organization's (``ORG:<id>``)."""
    if not code:
        return ""
    if code.startswith("ORG:"):
        return organization or code[4:]
    return TERRITORIES.get(code.upper(), code)
