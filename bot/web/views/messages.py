"""Processed messages: the list with each one's outcome and the replies it got, one
message's page (its headers, reasons, the participants it named, its text shown as text
and its attachments' names), and the stored raw message as an ``.eml`` download."""

from sqlalchemy import func
from sqlmodel import Session, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.store.models import InboundMessage, Nomination, OutboxMail, Participant, RawMessage
from bot.vocab import Outcome
from bot.web.context import web_context
from bot.web.evidence import describe, stored_text, timing
from bot.web.views.review import whole_number

PER_PAGE = 100
OUTCOMES = frozenset(str(o) for o in Outcome)


def listing(request: Request) -> Response:
    context = web_context(request)
    query = request.query_params
    outcome = query.get("outcome", "")
    event = query.get("event", "")
    search = query.get("q", "").strip().casefold()
    with Session(context.services.engine) as session:
        statement = select(InboundMessage).order_by(InboundMessage.received_at.desc())
        if outcome in OUTCOMES:
            statement = statement.where(InboundMessage.outcome == outcome)
        if event:
            statement = statement.where(InboundMessage.event_slug == event)
        rows = [
            m
            for m in session.exec(statement).all()
            if not search
            or any(search in (v or "").casefold() for v in (m.from_email, m.from_name, m.subject))
        ]
        page = whole_number(query.get("page")) or 1
        pages = max(1, -(-len(rows) // PER_PAGE))
        page = min(page, pages)
        shown = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        ids = [m.id for m in shown]
        replies: dict[int, list[str]] = {}
        for mail in session.exec(
            select(OutboxMail).where(
                OutboxMail.auto_reply.is_(True), OutboxMail.inbound_message_id.in_(ids)
            )
        ).all():
            replies.setdefault(mail.inbound_message_id, []).append(mail.template)
        named = dict(
            session.exec(
                select(Nomination.inbound_message_id, func.count(Participant.id))
                .join(Participant, Participant.nomination_id == Nomination.id)
                .where(Nomination.inbound_message_id.in_(ids))
                .group_by(Nomination.inbound_message_id)
            ).all()
        )
    values = {
        "rows": shown,
        "replies": replies,
        "named": named,
        "total": len(rows),
        "page": page,
        "pages": pages,
        "outcome": outcome,
        "outcomes": sorted(OUTCOMES),
        "event": event,
        "events": context.services.events,
        "search": query.get("q", ""),
        "query": request.url.query,
    }
    return context.pages.render(request, "messages.html", values)


def message(request: Request) -> Response:
    context = web_context(request)
    services = context.services
    message_id = request.path_params["message_id"]
    with Session(services.engine) as session:
        row = session.get(InboundMessage, message_id)
        if row is None:
            raise HTTPException(404, "No such message.")
        participants = session.exec(
            select(Participant)
            .join(Nomination, Participant.nomination_id == Nomination.id)
            .where(Nomination.inbound_message_id == message_id)
            .order_by(Participant.id)
        ).all()
        nomination = session.exec(
            select(Nomination).where(Nomination.inbound_message_id == message_id)
        ).first()
        mails = session.exec(
            select(OutboxMail)
            .where(OutboxMail.inbound_message_id == message_id)
            .order_by(OutboxMail.id)
        ).all()
        content = stored_text(session, message_id, services.config.limits)
    event = services.event(row.event_slug)
    values = {
        "row": row,
        "nomination": nomination,
        "participants": participants,
        "mails": mails,
        "content": content,
        "reasons": describe(services, row.reasons),
        "timing": timing(event, row.received_at),
        "zone": event.zone if event else "UTC",
    }
    return context.pages.render(request, "message.html", values)


def raw(request: Request) -> Response:
    """The message exactly as received, to open in a mail program (never shown inline)."""
    message_id = request.path_params["message_id"]
    with Session(web_context(request).services.engine) as session:
        stored = session.exec(
            select(RawMessage).where(RawMessage.inbound_message_id == message_id)
        ).first()
    if stored is None:
        raise HTTPException(404, "The raw message is not kept (purged, or never stored).")
    return Response(
        stored.data,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="message-{message_id}.eml"'},
    )


ROUTES = [
    Route("/messages", listing, methods=["GET"]),
    Route("/messages/{message_id:int}", message, methods=["GET"]),
    Route("/messages/{message_id:int}/raw", raw, methods=["GET"]),
]
