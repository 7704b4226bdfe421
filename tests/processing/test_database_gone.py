"""The database gone at any moment of an ingestion cycle ends it as one ``StorageError``
(the runner's one outage line), never as the driver's own exception with a traceback:
while the cycle decides, while its claims are given back, or while the inbox's health is
recorded after the last message."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError

from bot.errors import StorageError
from bot.inbox.deliver import deliver
from bot.processing import ingest
from tests.conftest import DATA
from tests.processing.support import maildir_services

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)


def _gone(*args, **kwargs):
    raise OperationalError("SELECT 1", {}, Exception("the database system is shutting down"))


@pytest.mark.parametrize("where", ["mailbox_state", "give_back", "forget_vanished"])
def test_the_database_gone_mid_cycle_is_a_storage_error(
    monkeypatch, tmp_path, database_url, rules_dir, writer, where
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    deliver(services.config, (DATA / "e2e" / "kenya.eml").read_bytes(), ON_TIME)
    if where == "mailbox_state":  # also what records the inbox's health, after the cycle
        original = ingest.mailbox_state
        calls = iter(range(1000))
        monkeypatch.setattr(
            ingest, "mailbox_state", lambda *a: original(*a) if next(calls) < 1 else _gone()
        )
    else:
        monkeypatch.setattr(ingest, where, _gone)

    if where == "give_back":  # given back after the cycle: a debug line, claims taken later
        report = ingest.ingest_once(services)
        assert report.fetched == 1
        return
    with pytest.raises(StorageError, match="^database: the database system is shutting down"):
        ingest.ingest_once(services)
