"""Helpers shared by the reading tests."""

from dataclasses import asdict, fields

from bot.reading.candidates import Candidate

_DEFAULTS = {f.name: f.default for f in fields(Candidate)}


def described(candidate: Candidate, with_line: bool = False, with_shape: bool = False) -> dict:
    """A candidate as the attributes that differ from a bare one (``line`` and ``shape``
    only if asked)."""
    hidden = {k for k, shown in (("line", with_line), ("shape", with_shape)) if not shown}
    return {
        key: value
        for key, value in asdict(candidate).items()
        if key == "email" or (value != _DEFAULTS.get(key) and key not in hidden)
    }
