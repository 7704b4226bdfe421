"""The access hook: called in the very transaction that confirms, withdraws or rejects
participants — by the pipeline (``bot.processing.message``, after a nomination's rows and
notices are written) and by staff decisions (``bot.staff.review``) — so that a
participant confirmed after publication gets their access mail, and one withdrawn after
receiving it gets the cancellation, committed together with the change itself.

Before publication it does nothing (publishing catches everyone up); the dispatch job
covers any change made elsewhere.
"""

import logging
from collections.abc import Iterable

from sqlmodel import Session, select

from bot.access.mail import AccessKit, settle_safely
from bot.access.publish import check_access, published_at
from bot.app import Services
from bot.errors import UserError
from bot.store.models import Participant
from bot.vocab import Template

log = logging.getLogger(__name__)


def settle_access(
    services: Services, session: Session, event_slug: str, addresses: Iterable[str]
) -> list[Template]:
    """Queue access or cancellation for these participants of one event, if it is
    published; returns the templates queued. Misconfigured access is logged, not raised:
    the decision stands and the dispatch job retries once the rules are fixed."""
    wanted = sorted(set(addresses))
    event = services.event(event_slug)
    if not wanted or event is None or event.access is None:
        return []
    if published_at(session, event_slug) is None:
        return []
    try:
        kit: AccessKit = check_access(services, event)
    except UserError as exc:
        log.error("access for %s not queued: %s", event_slug, exc)
        return []
    rows = session.exec(
        select(Participant).where(
            Participant.event_slug == event_slug, Participant.email.in_(wanted)
        )
    ).all()
    failures: dict[str, str] = {}
    queued = [settle_safely(session, kit, row, failures, readdress=True) for row in rows]
    return [template for template in queued if template is not None]
