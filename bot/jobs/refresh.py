"""The optional directory refresh job: the focal-point directory fetched from the BCH index.

With ``[directory] refresh_url`` set (the index's select URL, e.g.
``https://api.cbd.int/api/v2013/index/select?q=schema_s:focalPoint…&wt=json``), every
``refresh_hours`` the index is fetched over HTTPS, with ``attempts`` tries and a growing
wait between them, read like ``nombot directory import`` reads its JSON, and imported in
one transaction. An import that would remove more than ``max_removed_share`` of the
current entries (an index answering half empty, a changed query) is refused and the
directory kept as it was. Every run leaves a ``directory_refresh`` row (imported,
refused or failed, with counts or the error) that the digest reports.
"""

import logging
import urllib.error
import urllib.request

from sqlalchemy import func
from sqlmodel import Session, select
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.app import Services
from bot.config import DirectoryConfig
from bot.errors import UserError
from bot.store.directory import import_entries, parse_bch_json
from bot.store.models import DirectoryRefresh, FocalPoint
from bot.vocab import RefreshOutcome

log = logging.getLogger(__name__)
MAX_INDEX_BYTES = 50 * 1024 * 1024
USER_AGENT = "nomination-bot directory refresh"


class FetchError(Exception):
    """The index could not be fetched (after every attempt)."""


def _fetch_once(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_INDEX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(str(getattr(exc, "reason", None) or exc)) from None
    if len(body) > MAX_INDEX_BYTES:
        raise FetchError(f"answer larger than {MAX_INDEX_BYTES} bytes")
    return body


def fetch_index(settings: DirectoryConfig) -> bytes:
    """The index's answer, retried with exponential back-off; FetchError after the last try."""
    assert settings.refresh_url is not None
    retrying = Retrying(
        stop=stop_after_attempt(settings.attempts),
        wait=wait_exponential(multiplier=settings.retry_wait, max=max(settings.retry_wait, 600)),
        retry=retry_if_exception_type(FetchError),
        reraise=True,
    )
    return retrying(_fetch_once, settings.refresh_url, settings.timeout)


def _record(session: Session, row: DirectoryRefresh) -> DirectoryRefresh:
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def refresh_directory(services: Services) -> DirectoryRefresh | None:
    """One run of the job; None when no refresh URL is configured."""
    settings = services.config.directory
    if settings.refresh_url is None:
        return None
    try:
        entries = parse_bch_json(fetch_index(settings), "directory refresh")
    except (FetchError, UserError) as exc:
        log.warning("directory refresh failed: %s", exc)
        with Session(services.engine) as session:
            return _record(
                session, DirectoryRefresh(outcome=RefreshOutcome.FAILED, error=str(exc)[:500])
            )
    with Session(services.engine) as session:
        before = session.exec(select(func.count()).select_from(FocalPoint)).one()
        report = import_entries(session, entries, source="bch")
        removed = len(report.removed)
        outcome = RefreshOutcome.IMPORTED
        if before and removed / before > settings.max_removed_share:
            session.rollback()
            outcome = RefreshOutcome.REFUSED
            log.warning(
                "directory refresh refused: it would remove %d of %d entries", removed, before
            )
        else:
            log.info("directory refreshed: %s", report.summary())
        return _record(
            session,
            DirectoryRefresh(
                outcome=outcome,
                entries=report.total,
                added=len(report.added),
                removed=removed,
            ),
        )
