"""Reminders before the deadline (``nombot run`` schedules them): the opt-in ``[reminders]``
of an event file.

On each of the event's ``days_before_deadline`` (counted in the event's timezone), from
its ``at`` local time, every government that may nominate and has not yet
(``bot.policy.coverage``) gets one reminder: one mail, in each focal point's language,
to each of its nominating focal points. A ``reminder_sent`` row per (event, government,
day), unique, is written in the same transaction as the government's mails, so a
government is never reminded twice on one day — not by a second run of the job, not by
a second process, not after a crash. A government that has nominated gets none.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.app import Services
from bot.notify.context import event_view
from bot.notify.outbox.queue import enqueue
from bot.policy.coverage import Government, not_nominated
from bot.policy.events import Event
from bot.store.models import ReminderSent, utcnow
from bot.vocab import Template

log = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    """One run of the job: the governments reminded, by event."""

    reminded: dict[str, list[str]] = field(default_factory=dict)  # slug -> countries
    mails: int = 0


def reminder_day(event: Event, now: datetime) -> date | None:
    """Today in the event's timezone when it is one of its reminder days, from ``at`` on."""
    if event.reminders is None or now >= event.deadline_utc:
        return None
    local = event.local(now)
    deadline_day = event.local(event.deadline_utc).date()
    days_left = (deadline_day - local.date()).days
    if days_left not in event.reminders.days_before_deadline:
        return None
    return local.date() if local.time() >= event.reminders.at else None


def _message_id(event: Event, government: str, day: date, address: str, domain: str) -> str:
    """One Message-ID per reminder and address: the outbox refuses the same mail twice."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:12]
    return f"<reminder-{event.slug}-{government}-{day.isoformat()}-{digest}@{domain}>"


def _remind(
    services: Services, session: Session, event: Event, government: Government, day: date
) -> int:
    """Queue one government's reminder in ``session``; the caller commits."""
    session.add(ReminderSent(event_slug=event.slug, government=government.country, day=str(day)))
    session.flush()  # the unique row first: a second runner stops here
    sent = 0
    for address, holder in {f.email: f for f in government.nominators}.items():
        enqueue(
            session,
            services.writer,
            to=address,
            to_name=holder.name,
            template=Template.REMINDER,
            languages=(holder.language, event.spec.language),
            context={
                "event": event_view(event),
                "recipient_name": holder.name,
                "government": government.country,
            },
            message_id=_message_id(
                event, government.country, day, address, services.config.mail_domain
            ),
        )
        sent += 1
    return sent


def send_reminders(services: Services, now: datetime | None = None) -> ReminderReport:
    """Queue the reminders due at ``now``; one transaction per government."""
    now = now or utcnow()
    report = ReminderReport()
    for event in services.events:
        day = reminder_day(event, now)
        if day is None:
            continue
        with Session(services.engine) as session:
            waiting = not_nominated(session, event)
        for government in waiting:
            with Session(services.engine) as session:
                try:
                    mails = _remind(services, session, event, government, day)
                    session.commit()
                except IntegrityError:  # reminded already today (this or another process)
                    session.rollback()
                    continue
            report.reminded.setdefault(event.slug, []).append(government.country)
            report.mails += mails
        if report.reminded.get(event.slug):
            log.info(
                "reminders %s: %d government(s) reminded",
                event.slug,
                len(report.reminded[event.slug]),
            )
    return report
