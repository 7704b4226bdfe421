"""The calendar invitation attached to a participant's access mail (``.ics``, made with
icalendar): one VEVENT per session of ``[access] sessions``, or one all-day VEVENT
spanning the event when it has none.

Each VEVENT's UID is derived from the event's slug, the session's index and the
participant's address, so the cancellation sent on withdrawal (``METHOD:CANCEL``) and a
resent copy name exactly the events the first invitation created; the ``SEQUENCE``
grows with every mail so calendars take the newest. Times carry the event's TZID with its
VTIMEZONE.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from bot.policy.events import Event
from bot.text import clean_header

PRODID = "-//nomination-bot//access//EN"
# Fixed forever: changing it would change every UID and orphan invitations already sent.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:nomination-bot:access")


class Method(StrEnum):
    """The iTIP method of an invitation (RFC 5546)."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Sitting:
    """One session of an event as aware local times (the event's zone)."""

    index: int
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Party:
    """An organizer or attendee: an address and an optional display name."""

    email: str
    name: str | None = None


def sittings(event: Event) -> list[Sitting]:
    """The event's sessions in its own time zone, in the order written."""
    sessions = event.access.sessions if event.access else []
    return [
        Sitting(index, s.starts.replace(tzinfo=event.zone), s.ends.replace(tzinfo=event.zone))
        for index, s in enumerate(sessions)
    ]


def event_uid(slug: str, index: int, email: str) -> str:
    """The stable UID of one session (``index``; 0 for a whole event) for one participant."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{slug}\n{index}\n{email.strip().lower()}"))


def _address(party: Party) -> vCalAddress:
    address = vCalAddress(f"mailto:{party.email}")
    name = clean_header(party.name, 200).replace('"', "'")
    if name:
        address.params["CN"] = vText(name)
    return address


def _attendee(party: Party, method: Method) -> vCalAddress:
    address = _address(party)
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = "NEEDS-ACTION" if method is Method.REQUEST else "DECLINED"
    address.params["RSVP"] = "FALSE"  # nobody reads the replies: the secretariat's inbox
    return address


@dataclass(frozen=True)
class Invitation:
    """What one ``.ics`` says: the event, who invites whom, where, and which revision."""

    event: Event
    organizer: Party
    attendee: Party
    url: str | None
    description: str
    sequence: int
    stamp: datetime

    def _vevent(self, method: Method, index: int, total: int) -> VEvent:
        vevent = VEvent()
        vevent.add("uid", event_uid(self.event.slug, index, self.attendee.email))
        vevent.add("dtstamp", self.stamp)
        vevent.add("sequence", self.sequence)
        summary = self.event.name if total <= 1 else f"{self.event.name} ({index + 1}/{total})"
        vevent.add("summary", summary)
        if self.url:
            vevent.add("location", self.url)
            vevent.add("url", self.url)
        if self.description:
            vevent.add("description", self.description)
        vevent.add("status", "CONFIRMED" if method is Method.REQUEST else "CANCELLED")
        vevent.add("transp", "OPAQUE")
        vevent.add("organizer", _address(self.organizer))
        vevent.add("attendee", _attendee(self.attendee, method))
        return vevent

    def calendar(self, method: Method) -> Calendar:
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", str(method))
        sessions = sittings(self.event)
        if sessions:
            for sitting in sessions:
                vevent = self._vevent(method, sitting.index, len(sessions))
                vevent.add("dtstart", sitting.starts)
                vevent.add("dtend", sitting.ends)
                calendar.add_component(vevent)
            first = sessions[0].starts.date()
            last = max(s.ends for s in sessions).date()
            calendar.add_missing_timezones(
                first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
            )
        else:  # all day, every day of the event (DTEND is exclusive)
            vevent = self._vevent(method, 0, 1)
            spec = self.event.spec
            vevent.add("dtstart", spec.starts)
            vevent.add("dtend", spec.ends + timedelta(days=1))
            calendar.add_component(vevent)
        return calendar

    def ics(self, method: Method) -> bytes:
        return self.calendar(method).to_ical()
