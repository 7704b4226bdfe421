"""The evidence staff decide on: the review queue (``bot.staff.review.review_queue``)
grouped by the message that nominated each pending participant, with that message's
sender and the roles the directory gives them, its receipt time against the deadline in
the event's time zone, the receiving server's authentication verdict, the reasons the
rules gave, and its text and attachment names read from the stored raw message.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from bot.app import Services
from bot.config import LimitsConfig
from bot.message.parse import parse_mail
from bot.policy.events import Event
from bot.reading import Line, Table
from bot.reading.html import html_to_lines
from bot.staff.review import ReviewItem, review_queue
from bot.store.directory import roles_of
from bot.store.models import InboundMessage, Nomination, Participant, RawMessage
from bot.vocab import ParticipantStatus, Reason
from bot.web.wording import duration, local_time

MAX_TEXT = 20_000  # characters of a message shown on a page; the .eml has the rest
GROUPS_PER_PAGE = 20


@dataclass
class MessageText:
    """A stored message as a person reads it: its text and the names of its attachments."""

    text: str
    attachments: list[str]
    cut: bool = False


def _as_text(line: Line) -> str:
    """A line of an HTML body; a table as one line per row, its cells between bars."""
    if isinstance(line, Table):
        return "\n".join(" | ".join(cells) for cells in line.rows)
    return line


def message_text(raw: bytes, limits: LimitsConfig) -> MessageText:
    """The text of a message (its HTML read as text when it has no plain part)."""
    mail = parse_mail(raw, limits)
    text = mail.text.strip()
    if not text and mail.html:
        text = "\n".join(_as_text(line) for line in html_to_lines(mail.html).lines)
    return MessageText(
        text[:MAX_TEXT], [a.filename for a in mail.attachments], cut=len(text) > MAX_TEXT
    )


def stored_text(session: Session, message_id: int, limits: LimitsConfig) -> MessageText | None:
    query = select(RawMessage).where(RawMessage.inbound_message_id == message_id)
    raw = session.exec(query).first()
    return message_text(raw.data, limits) if raw is not None else None


@dataclass
class Timing:
    """When a message arrived against its event's deadline, both in the event's zone."""

    received: str
    deadline: str
    late: bool
    by: str  # how long before or after the deadline


def timing(event: Event | None, received: datetime | None) -> Timing | None:
    if event is None or received is None:
        return None
    span = received - event.deadline_utc
    return Timing(
        received=local_time(received, event.zone),
        deadline=local_time(event.deadline_utc, event.zone),
        late=not event.on_time(received),
        by=duration(span),
    )


def describe(services: Services, reasons: list) -> list[str]:
    """Reasons as stored (codes and values) worded in English for staff."""
    worded = []
    for reason in reasons or ():
        value = reason if isinstance(reason, dict) else Reason.from_json(reason).as_json()
        worded.append(services.writer.describe_reason(value, "en"))
    return worded


@dataclass
class PendingItem:
    participant: Participant
    reasons: list[str]


@dataclass
class ReviewGroup:
    """The pending participants of one message (or one participant with no message)."""

    message: InboundMessage | None
    nomination: Nomination | None
    event: Event | None
    items: list[PendingItem] = field(default_factory=list)
    directory_roles: list[str] = field(default_factory=list)
    timing: Timing | None = None
    message_reasons: list[str] = field(default_factory=list)
    content: MessageText | None = None

    @property
    def sender(self) -> str | None:
        if self.nomination is not None and self.nomination.nominator_email:
            return self.nomination.nominator_email
        return self.message.from_email if self.message is not None else None

    @property
    def sender_name(self) -> str | None:
        if self.nomination is not None and self.nomination.nominator_name:
            return self.nomination.nominator_name
        return self.message.from_name if self.message is not None else None


def government_of(item: ReviewItem) -> str | None:
    """The government (or organization) a pending participant would be counted for."""
    if item.participant.government:
        return item.participant.government
    return item.nomination.government if item.nomination is not None else None


@dataclass(frozen=True)
class ReviewFilters:
    event: str = ""
    flag: str = ""
    government: str = ""
    sender: str = ""

    def matches(self, item: ReviewItem) -> bool:
        row = item.participant
        if self.event and row.event_slug != self.event:
            return False
        if self.flag and self.flag not in row.flags:
            return False
        if self.government and (government_of(item) or "").upper() != self.government.upper():
            return False
        if self.sender:
            senders = [
                item.nomination.nominator_email if item.nomination else None,
                item.message.from_email if item.message else None,
                item.message.from_name if item.message else None,
            ]
            wanted = self.sender.casefold()
            return any(wanted in (s or "").casefold() for s in senders)
        return True


@dataclass
class ReviewPage:
    groups: list[ReviewGroup]
    pending: int  # participants matching the filters
    page: int
    pages: int
    governments: list[str]  # every government in the queue, for the filter


def _group(items: list[ReviewItem], services: Services) -> list[ReviewGroup]:
    groups: dict[object, ReviewGroup] = {}
    for item in items:
        key = item.message.id if item.message is not None else ("participant", item.participant.id)
        group = groups.get(key)
        if group is None:
            event = services.event(item.participant.event_slug)
            group = groups[key] = ReviewGroup(item.message, item.nomination, event)
        reasons = describe(services, item.participant.reasons)
        group.items.append(PendingItem(item.participant, reasons))
    return list(groups.values())


def _fill(session: Session, services: Services, group: ReviewGroup) -> None:
    """What is read only for the groups on the page: the directory, the message's text."""
    if group.sender:
        group.directory_roles = [f"{r.role} ({r.country})" for r in roles_of(session, group.sender)]
    if group.message is not None:
        group.timing = timing(group.event, group.message.received_at)
        group.message_reasons = describe(services, group.message.reasons)
        assert group.message.id is not None
        group.content = stored_text(session, group.message.id, services.config.limits)


def review_page(services: Services, filters: ReviewFilters, page: int = 1) -> ReviewPage:
    queue = review_queue(services)
    governments = sorted({g for item in queue if (g := government_of(item))})
    items = [item for item in queue if filters.matches(item)]
    groups = _group(items, services)
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = groups[(page - 1) * GROUPS_PER_PAGE : page * GROUPS_PER_PAGE]
    with Session(services.engine) as session:
        for group in shown:
            _fill(session, services, group)
    return ReviewPage(shown, len(items), page, pages, governments)


def pending_of_message(
    session: Session, message_id: int, participant_ids: list[int]
) -> list[Participant]:
    """Those of ``participant_ids`` that are pending and were nominated by the message."""
    if not participant_ids:
        return []
    return list(
        session.exec(
            select(Participant)
            .join(Nomination, Participant.nomination_id == Nomination.id)
            .where(
                Nomination.inbound_message_id == message_id,
                Participant.id.in_(participant_ids),
                Participant.status == ParticipantStatus.PENDING,
            )
            .order_by(Participant.id)
        ).all()
    )
