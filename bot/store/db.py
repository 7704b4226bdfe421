"""Database access: the engine, sessions and schema migrations.

SQLite is the embedded default (WAL mode, foreign keys on, a busy timeout so that a
second process waits rather than fails); PostgreSQL is used through psycopg. The schema
is created and changed only by the alembic migrations in ``bot/migrations``.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.errors import UserError

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; creates the directory of a SQLite file when needed."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest migration; returns (before, after) revisions.

    On PostgreSQL an advisory lock keeps two processes from migrating at once.
    """
    url = engine.url.render_as_string(hide_password=False)
    try:
        before = current_revision(engine)
        if before == head_revision(url):
            return before, before
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(724311)"))
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return before, current_revision(engine)
    except OperationalError as exc:
        raise UserError(f"database: {_first_line(exc)}") from None
    except SQLAlchemyError as exc:
        raise UserError(f"database: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    message = str(getattr(exc, "orig", None) or exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__


def open_database(url: str) -> Engine:
    """An engine whose schema is at the newest migration (upgraded if it was not)."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
