"""The access dispatch job (``nombot run`` schedules it): publishes every event whose
``[access] publish_at`` has passed, then brings each published event's participants in
line — access for the confirmed who have none, a cancellation for the withdrawn or
rejected who hold live access.

Participants confirmed or withdrawn after publication normally get their mail at once,
in the transaction that changed them (``bot.access.hooks``, called by the pipeline and by
staff decisions); this job is the safety net for any other way a status changes, and
it is safe to run at any time and in several processes (see ``bot.access.mail``).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.access.publish import (
    Settled,
    check_access,
    publish_at_utc,
    publish_event,
    published_at,
    settle_event,
)
from bot.app import Services
from bot.errors import UserError
from bot.store.models import utcnow

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    """One run of the job, per event."""

    events: list[Settled] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # slug -> one line

    @property
    def queued(self) -> int:
        return sum(len(e.access) + len(e.cancelled) for e in self.events)


def dispatch_access(services: Services, now: datetime | None = None) -> DispatchReport:
    """Publish what is due and queue what is owed; one transaction per event.

    A module-level function of the Services object so the scheduler can register it as it
    is. An event whose access is misconfigured is logged and skipped; the others go on.
    """
    now = now or utcnow()
    report = DispatchReport()
    for event in services.events:
        if event.access is None:
            continue
        try:
            with Session(services.engine, expire_on_commit=False) as session:
                due = publish_at_utc(event)
                published = published_at(session, event.slug)
                if published is None and (due is None or due > now):
                    continue
                kit = check_access(services, event)
                if published is None:
                    settled = publish_event(session, kit)
                else:
                    settled = settle_event(session, kit, Settled(event.slug, published))
                session.commit()
        except UserError as exc:  # ConfigError too: a bad [access] or instructions file
            log.error("access dispatch for %s: %s", event.slug, exc)
            report.errors[event.slug] = str(exc)
            continue
        except Exception as exc:  # one event's failure must not stop the others
            log.exception("access dispatch for %s failed; tried again at the next run", event.slug)
            report.errors[event.slug] = f"{type(exc).__name__}: {exc}"
            continue
        report.events.append(settled)
        if settled.failed:
            report.errors[event.slug] = f"{len(settled.failed)} participant(s) not mailed"
        if settled.newly_published or settled.access or settled.cancelled:
            log.info(
                "access %s: %s%d access mail(s), %d cancellation(s) queued",
                event.slug,
                "published; " if settled.newly_published else "",
                len(settled.access),
                len(settled.cancelled),
            )
    return report
