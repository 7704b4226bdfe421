"""Helpers shared by the reading tests."""

from dataclasses import asdict, fields

from bot.reading.candidates import Candidate

_DEFAULTS = {f.name: f.default for f in fields(Candidate)}


def described(candidate: Candidate, with_line: bool = False) -> dict:
    """A candidate as the attributes that differ from a bare one (``line`` only if asked)."""
    return {
        key: value
        for key, value in asdict(candidate).items()
        if key == "email" or (value != _DEFAULTS.get(key) and (with_line or key != "line"))
    }
