"""Helpers shared by the processing tests: a bot's services built in the test process."""

from sqlmodel import Session

from bot.app import Services, analysis_context, load_rules, sync_events
from bot.config import Config, load_config
from bot.notify.writer import MailWriter
from bot.store.db import open_database
from bot.store.directory import import_entries, read_directory_file
from tests.conftest import DATA, bot_config


def services_for(config: Config, writer: MailWriter) -> Services:
    """What ``build_services`` makes of ``config``, with a writer already checked: one
    call is one start of the bot."""
    events = load_rules(config)
    engine = open_database(config.database_url)
    sync_events(engine, events)
    return Services(config, engine, events, analysis_context(config, events), writer)


def maildir_services(tmp_path, database_url: str, rules_dir, writer: MailWriter) -> Services:
    """A bot on a Maildir inbox in ``tmp_path`` with the test directory imported."""
    path = bot_config(
        tmp_path, database_url, rules_dir, secretariat_addresses=["secretariat@cbd.int"]
    )
    services = services_for(load_config(path), writer)
    import_directory(services)
    return services


def import_directory(services: Services) -> None:
    with Session(services.engine) as session:
        import_entries(session, read_directory_file(DATA / "directory" / "focal-points.csv"), "csv")
        session.commit()
