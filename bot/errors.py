"""Errors that end a command with one clear line instead of a traceback.

Every stage raises a subclass of :class:`UserError` for problems a person can fix
(bad configuration, unreachable server, unreadable file); the CLI prints the message
and exits with the error's status.
"""


class UserError(Exception):
    """A problem to report as one line; ``exit_code`` is the process status."""

    exit_code = 1


class ConfigError(UserError):
    """The configuration or the rules on disk are invalid."""

    exit_code = 2


class InboxError(UserError):
    """The inbox could not be reached or used (connection, login, folder)."""


class StorageError(UserError):
    """The database could not be reached or refused the transaction."""


def database_error(exc: object) -> str:
    """"database: " and the first line of what the driver said (SQLAlchemy wraps it)."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"database: {lines[0] if lines else type(exc).__name__}"
