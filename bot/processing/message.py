"""The path of one message, in order, ending in ONE transaction.

store raw → parse → classify → route → extract → authenticate sender → rules → write the
inbound message, its nomination, participants, decisions, outbox mails and the mailbox's
last UID together. If anything fails the transaction is rolled back and the message is
recorded as ``error`` for review in a second transaction; the loop goes on.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from bot.config import Config
from bot.errors import StorageError
from bot.inbox import InboxMessage
from bot.message.authres import AuthVerdict, check_sender
from bot.message.parse import ParsedMail, parse_mail
from bot.message.robots import LOOP_HEADER
from bot.notify.outbox.queue import enqueue
from bot.notify.writer import MailWriter, Original
from bot.policy.chain import Decision, ExistingParticipant, Facts, Role, decide
from bot.policy.events import Event
from bot.processing.read import read_mail
from bot.reading.analysis import Analysis, AnalysisContext, Nominee
from bot.store.directory import governments_with_cpb_focal_point, roles_of
from bot.store.models import (
    Decision as DecisionRow,
)
from bot.store.models import (
    InboundMessage,
    MailboxState,
    Nomination,
    OutboxMail,
    Participant,
    RawMessage,
    utcnow,
)
from bot.text import clean_header

log = logging.getLogger(__name__)
ACTIVE = ("confirmed", "pending")


@dataclass
class Services:
    """Everything one message needs, built once per process."""

    config: Config
    engine: Engine
    events: list[Event]
    context: AnalysisContext
    writer: MailWriter

    def event(self, slug: str | None) -> Event | None:
        return next((e for e in self.events if e.slug == slug), None)


@dataclass
class Processed:
    """What happened to one fetched message."""

    outcome: str
    target_folder: str | None
    inbound_id: int | None = None
    duplicate_delivery: bool = False
    replies: list[str] = field(default_factory=list)


def _header_info(raw: bytes) -> tuple[str | None, bytes]:
    """Message-ID and body bytes, cheaply, for the idempotency key."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    message_id = clean_header(str(headers.get("Message-ID", ""))) or None
    split = raw.find(b"\r\n\r\n")
    split = split + 4 if split != -1 else raw.find(b"\n\n") + 2
    return message_id, raw[split:] if split > 1 else b""


def dedupe_key(raw: bytes) -> tuple[str, str, str | None]:
    """(dedupe key, content hash, Message-ID): the same message delivered twice shares a key."""
    content_hash = hashlib.sha256(raw).hexdigest()
    message_id, body = _header_info(raw)
    if message_id:
        key = hashlib.sha256(
            message_id.encode() + b"\0" + hashlib.sha256(body).digest()
        ).hexdigest()
    else:
        key = content_hash
    return key, content_hash, message_id


def _state(session: Session, mailbox: str) -> MailboxState:
    state = session.exec(select(MailboxState).where(MailboxState.mailbox == mailbox)).first()
    if state is None:
        state = MailboxState(mailbox=mailbox)
        session.add(state)
        session.flush()
    return state


def mailbox_state(engine: Engine, mailbox: str) -> MailboxState:
    """The sync state of a mailbox, created on first use (safe when two processes race)."""
    for _ in range(2):
        with Session(engine, expire_on_commit=False) as session:
            try:
                state = _state(session, mailbox)
                session.commit()
                return state
            except IntegrityError:
                session.rollback()  # another process created it first: read theirs
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(MailboxState).where(MailboxState.mailbox == mailbox)).one()


def _advance(session: Session, mailbox: str, message: InboxMessage) -> None:
    if message.uid is None:
        return
    state = session.exec(
        select(MailboxState).where(MailboxState.mailbox == mailbox).with_for_update()
    ).first() or _state(session, mailbox)
    if state.uidvalidity != message.uidvalidity:
        state.uidvalidity, state.last_uid = message.uidvalidity, 0
    state.last_uid = max(state.last_uid, message.uid)
    state.updated_at = utcnow()
    session.add(state)


def _event_view(event: Event) -> dict:
    spec = event.spec
    return {
        "name": spec.name,
        "slug": spec.slug,
        "references": spec.references,
        "starts": spec.starts,
        "ends": spec.ends,
        "timezone": spec.timezone,
        "deadline": event.deadline_utc.astimezone(event.zone),
    }


def _person(p: Participant | Nominee) -> dict:
    return {
        "name": p.name,
        "email": p.email,
        "title": p.title,
        "organization": p.organization,
        "status": getattr(p, "status", None),
        "flags": getattr(p, "flags", []),
    }


_PROBLEMS = {
    "unreadable_attachment": "the attachment {0} could not be read",
    "no_text_layer": "the attachment {0} holds no text we can read (a scanned image?)",
    "attachment_too_large": "the attachment {0} is too large to be read",
    "attachment_truncated": "only the first pages of {0} were read",
}


def _problems(analysis: Analysis) -> list[str]:
    problems = []
    for warning in analysis.warnings:
        code, _, rest = warning.partition(": ")
        if code in _PROBLEMS:
            problems.append(_PROBLEMS[code].format(rest.split(":", 1)[0]))
    return problems


class _Recorder:
    """Writes the consequences of one decision into the open session."""

    def __init__(
        self,
        services: Services,
        session: Session,
        mail: ParsedMail,
        analysis: Analysis,
        inbound: InboundMessage,
        event: Event | None,
        languages: tuple,
    ) -> None:
        self.services = services
        self.session = session
        self.mail = mail
        self.analysis = analysis
        self.inbound = inbound
        self.event = event
        self.languages = languages
        self.replies: list[str] = []

    def queue(
        self,
        *,
        to: str,
        to_name: str | None,
        template: str,
        context: dict,
        reply: bool = False,
        participant_id: int | None = None,
    ) -> None:
        own = self.services.config.own_addresses()
        if to in own:
            return
        original = None
        if reply:
            original = Original(
                self.mail.message_id, self.mail.subject, tuple(self.mail.references)
            )
        enqueue(
            self.session,
            self.services.writer,
            to=to,
            to_name=to_name,
            template=template,
            languages=self.languages,
            context=context,
            original=original,
            inbound_message_id=self.inbound.id,
            participant_id=participant_id,
        )
        if reply:
            self.replies.append(template)

    def replies_today(self, address: str) -> int:
        since = utcnow() - timedelta(days=1)
        return self.session.exec(
            select(func.count())
            .select_from(OutboxMail)
            .where(
                OutboxMail.to_email == address,
                OutboxMail.auto_reply.is_(True),
                OutboxMail.created_at >= since,
            )
        ).one()


def _facts(
    session: Session,
    services: Services,
    analysis: Analysis,
    event: Event | None,
    auth: AuthVerdict,
    received_at,
) -> Facts:
    facts = Facts(
        analysis=analysis,
        event=event,
        received_at=received_at,
        auth=auth,
        require_auth_header=services.config.policy.require_authentication_results,
    )
    if event is None or analysis.kind not in ("nomination", "withdrawal"):
        return facts
    rows = roles_of(session, analysis.from_email) if analysis.from_email else []
    facts.sender_roles = [Role(r.country, r.role, r.name, r.language) for r in rows]
    facts.governments_with_cpb = governments_with_cpb_focal_point(
        session, {r.country for r in rows}
    )
    addresses = [p.email for p in analysis.participants if p.email] + analysis.withdrawn
    if addresses:
        existing = session.exec(
            select(Participant).where(
                Participant.event_slug == event.slug, Participant.email.in_(addresses)
            )
        ).all()
        facts.existing = {
            p.email: ExistingParticipant(p.email, p.status, p.government, p.nominated_by)
            for p in existing
        }
    counts = session.exec(
        select(Participant.government, func.count())
        .where(Participant.event_slug == event.slug, Participant.status.in_(ACTIVE))
        .group_by(Participant.government)
    ).all()
    facts.active_per_government = {g: n for g, n in counts if g}
    return facts


def _register(
    recorder: _Recorder, decision: Decision, facts: Facts, nomination: Nomination
) -> tuple[list[Participant], list[Participant]]:
    """Insert or re-open the nominees; returns (confirmed, pending) participant rows."""
    session, event = recorder.session, recorder.event
    assert event is not None
    confirmed, pending = [], []
    now = utcnow()
    for nominee in decision.register:
        flags = list(decision.flags)
        if nominee.email in decision.over_quota:
            flags.append("over_quota")
        status = "pending" if flags else "confirmed"
        row = session.exec(
            select(Participant).where(
                Participant.event_slug == event.slug, Participant.email == nominee.email
            )
        ).first()
        previous = row.status if row else None
        if row is None:
            row = Participant(event_slug=event.slug, email=nominee.email, status=status)
        elif previous == "rejected":
            status, flags = "pending", sorted(set(flags) | {"needs_review"})
        row.name = nominee.name or row.name
        row.title = nominee.title or row.title
        row.organization = nominee.organization or row.organization
        row.country = (
            nominee.country
            or row.country
            or (
                facts.eligible.country
                if facts.eligible and len(facts.eligible.country) == 2
                else None
            )
        )
        row.status, row.flags = status, sorted(set(flags))
        row.reasons = list(decision.reasons)
        row.government = facts.eligible.country if facts.eligible else row.government
        row.nominated_by = recorder.analysis.from_email
        row.nomination_id = nomination.id
        row.source = nominee.source
        row.nominated_at = now
        row.updated_at = now
        session.add(row)
        session.flush()
        session.add(
            DecisionRow(
                participant_id=row.id,
                action="nominate",
                from_status=previous,
                to_status=status,
                actor="rules",
                reason="; ".join(decision.reasons) or None,
            )
        )
        (confirmed if status == "confirmed" else pending).append(row)
    return confirmed, pending


def _withdraw(recorder: _Recorder, decision: Decision, facts: Facts) -> tuple[list[str], list[str]]:
    """Withdraw what the sender may withdraw; returns (withdrawn, not found)."""
    session, event = recorder.session, recorder.event
    assert event is not None
    done, missing = [], []
    for address in decision.withdraw:
        row = session.exec(
            select(Participant).where(
                Participant.event_slug == event.slug, Participant.email == address
            )
        ).first()
        allowed = (
            row is not None
            and row.status in ACTIVE
            and (
                row.nominated_by == recorder.analysis.from_email
                or (facts.eligible is not None and row.government == facts.eligible.country)
            )
        )
        if not allowed:
            missing.append(address)
            continue
        session.add(
            DecisionRow(
                participant_id=row.id,
                action="withdraw",
                from_status=row.status,
                to_status="withdrawn",
                actor=recorder.analysis.from_email,
                reason="withdrawn by the nominating focal point",
            )
        )
        row.status, row.updated_at = "withdrawn", utcnow()
        session.add(row)
        done.append(address)
    return done, missing


def _handle_bounce(recorder: _Recorder) -> bool:
    """Mark bounced participants undeliverable and tell their nominators; True if ours.

    Only addresses the bot has actually written to are marked, so a forged delivery
    report cannot silence a participant."""
    session = recorder.session
    parts = list(recorder.mail.message.walk())
    ours = any(part.get(LOOP_HEADER) for part in parts) or any(
        LOOP_HEADER.lower() in part.get_payload().lower()
        for part in parts
        if not part.is_multipart() and isinstance(part.get_payload(), str)
    )
    touched = False
    for address in recorder.analysis.bounced:
        mailed = session.exec(
            select(OutboxMail.id).where(OutboxMail.to_email == address, OutboxMail.status == "sent")
        ).first()
        if mailed is None:
            continue  # we never wrote to this address: a bounce about it is not ours
        rows = session.exec(select(Participant).where(Participant.email == address)).all()
        for row in rows:
            touched = True
            if "undeliverable" in row.flags:
                continue
            row.flags = sorted(set(row.flags) | {"undeliverable"})
            row.updated_at = utcnow()
            session.add(row)
            session.add(
                DecisionRow(
                    participant_id=row.id,
                    action="bounce",
                    from_status=row.status,
                    to_status=row.status,
                    actor="rules",
                    reason="mail to this address bounced",
                )
            )
            event = recorder.services.event(row.event_slug)
            if row.nominated_by and event is not None:
                recorder.queue(
                    to=row.nominated_by,
                    to_name=None,
                    template="bounce_notice",
                    context={
                        "event": _event_view(event),
                        "participant": _person(row),
                        "recipient_name": None,
                    },
                    participant_id=row.id,
                )
    return touched or ours


def _reply_context(
    recorder: _Recorder, decision: Decision, confirmed, pending, withdrawn, not_found
) -> dict:
    analysis = recorder.analysis
    over = [p for p in pending if "over_quota" in p.flags]
    config = recorder.services.config
    return {
        "event": _event_view(recorder.event),
        "sender_name": analysis.from_name or None,
        "confirmed": [_person(p) for p in confirmed],
        "pending": [_person(p) for p in pending],
        "over_quota": [_person(p) for p in over],
        "duplicates": [_person(p) for p in decision.duplicates],
        "withdrawn": withdrawn,
        "not_found": not_found,
        "missing": [p.name for p in analysis.participants if not p.email and p.name],
        "problems": _problems(analysis),
        "reason": "; ".join(decision.reasons),
        "secretariat": config.outbox.reply_to or config.sender_address,
        "received": recorder.inbound.received_at.astimezone(recorder.event.zone),
    }


def _folder_for(outcome: str, decision: Decision | None, acted: bool, config: Config) -> str | None:
    if outcome == "error" or (decision is not None and decision.action == "hold"):
        return config.inbox.review_folder
    if outcome == "ignored":
        return config.inbox.processed_folder if acted else None
    if outcome in ("late", "unauthorized"):
        return config.inbox.review_folder
    return config.inbox.processed_folder


def _decide_and_record(
    services: Services,
    session: Session,
    mail: ParsedMail,
    analysis: Analysis,
    inbound: InboundMessage,
) -> Processed:
    event = services.event(analysis.event)
    auth = check_sender(mail, services.config.inbox.authserv_id)
    inbound.auth_result = auth.result
    facts = _facts(session, services, analysis, event, auth, inbound.received_at)
    decision = decide(facts)
    directory_language = next((r.language for r in facts.sender_roles if r.language), None)
    languages = (analysis.language, directory_language, event.spec.language if event else None)
    recorder = _Recorder(services, session, mail, analysis, inbound, event, languages)
    inbound.outcome = decision.outcome
    inbound.reasons = decision.reasons
    acted = False
    if analysis.kind == "bounce":
        acted = _handle_bounce(recorder)
    registered = bool(decision.register or decision.withdraw) and decision.outcome != "needs_info"
    keep = (
        event is not None
        and analysis.kind in ("nomination", "withdrawal")
        and (decision.action != "ignore")
    )
    if keep:
        nomination = Nomination(
            inbound_message_id=inbound.id,
            event_slug=event.slug,
            nominator_email=analysis.from_email or None,
            nominator_name=analysis.from_name or None,
            nominator_role=facts.eligible.role if facts.eligible else None,
            government=facts.eligible.country if facts.eligible else None,
            outcome=decision.outcome,
        )
        session.add(nomination)
        session.flush()
        confirmed, pending = (
            _register(recorder, decision, facts, nomination) if registered else ([], [])
        )
        withdrawn, not_found = _withdraw(recorder, decision, facts) if registered else ([], [])
        acted = True
        if decision.reply and analysis.from_email:
            cap = services.config.policy.daily_reply_cap
            if recorder.replies_today(analysis.from_email) >= cap:
                inbound.reasons = [
                    *inbound.reasons,
                    f"no reply: {cap} replies sent to this sender today",
                ]
            else:
                recorder.queue(
                    to=analysis.from_email,
                    to_name=analysis.from_name,
                    template=decision.reply,
                    context=_reply_context(
                        recorder, decision, confirmed, pending, withdrawn, not_found
                    ),
                    reply=True,
                )
        for row in confirmed:
            recorder.queue(
                to=row.email,
                to_name=row.name,
                template="participant_registered",
                context={
                    "event": _event_view(event),
                    "participant": _person(row),
                    "nominator": analysis.from_name or analysis.from_email,
                },
                participant_id=row.id,
            )
    target = _folder_for(decision.outcome, decision, acted, services.config)
    inbound.target_folder = target
    session.add(inbound)
    return Processed(decision.outcome, target, inbound.id, replies=recorder.replies)


def _new_inbound(
    mailbox: str, message: InboxMessage, key: str, content_hash: str, message_id: str | None
) -> InboundMessage:
    return InboundMessage(
        dedupe_key=key,
        mailbox=mailbox,
        uidvalidity=message.uidvalidity,
        uid=message.uid,
        source_key=message.key,
        message_id=message_id,
        content_hash=content_hash,
        received_at=message.received_at,
        size=message.size,
        outcome="error",
    )


def process_message(services: Services, mailbox: str, message: InboxMessage) -> Processed:
    """Decide one message and write everything about it in one transaction."""
    raw = message.raw or b""
    key, content_hash, message_id = dedupe_key(raw)
    with Session(services.engine, expire_on_commit=False) as session:
        seen = session.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).first()
        if seen is not None:
            _advance(session, mailbox, message)
            session.commit()
            return Processed(seen.outcome, seen.target_folder, seen.id, duplicate_delivery=True)
    try:
        with Session(services.engine, expire_on_commit=False) as session:
            inbound = _new_inbound(mailbox, message, key, content_hash, message_id)
            session.add(inbound)
            session.flush()
            session.add(RawMessage(inbound_message_id=inbound.id, data=raw))
            if message.too_large:
                inbound.outcome = "ignored"
                limit = services.config.inbox.max_message_bytes
                inbound.reasons = [
                    f"too large to read ({message.size // 1048576} MB, limit {limit // 1048576} MB)"
                ]
                inbound.target_folder = services.config.inbox.review_folder
                mail = parse_mail(raw, services.config.limits)
                _describe(inbound, mail, None)
                result = Processed("ignored", inbound.target_folder, inbound.id)
            else:
                mail = parse_mail(raw, services.config.limits)
                analysis = read_mail(mail, services.context, services.events, message.received_at)
                _describe(inbound, mail, analysis)
                result = _decide_and_record(services, session, mail, analysis, inbound)
            _advance(session, mailbox, message)
            session.commit()
            return result
    except IntegrityError:
        log.info("message %s already taken by another process", message.key)
        with Session(services.engine) as session:
            seen = session.exec(
                select(InboundMessage).where(InboundMessage.dedupe_key == key)
            ).first()
        if seen is None:
            raise
        return Processed(seen.outcome, seen.target_folder, seen.id, duplicate_delivery=True)
    except OperationalError as exc:
        # The database is unavailable, or the transaction lost a deadlock: nothing was
        # written and the last UID did not move, so the next cycle takes this message again.
        raise StorageError(f"database: {str(exc.orig or exc).strip().splitlines()[0]}") from None
    except Exception as exc:
        log.exception("message %s could not be processed", message.key)
        return _record_error(services, mailbox, message, key, content_hash, message_id, exc)


def _describe(inbound: InboundMessage, mail: ParsedMail, analysis: Analysis | None) -> None:
    inbound.from_email = (mail.from_email or "")[:320] or None
    inbound.from_name = mail.from_name or None
    inbound.subject = mail.subject
    if analysis is not None:
        inbound.kind = analysis.kind
        inbound.language = analysis.language
        inbound.event_slug = analysis.event
        inbound.analysis = analysis.as_json()


def _record_error(
    services: Services,
    mailbox: str,
    message: InboxMessage,
    key: str,
    content_hash: str,
    message_id: str | None,
    exc: Exception,
) -> Processed:
    """Record the failure and move on; if even describing the message fails, a bare row."""
    row = (mailbox, message, key, content_hash, message_id, exc)
    try:
        return _store_error(services, *row, describe=True)
    except OperationalError:
        raise
    except Exception:
        log.warning("message %s: its description could not be stored", message.key)
        return _store_error(services, *row, describe=False)


def _store_error(
    services: Services,
    mailbox: str,
    message: InboxMessage,
    key: str,
    content_hash: str,
    message_id: str | None,
    exc: Exception,
    describe: bool,
) -> Processed:
    with Session(services.engine, expire_on_commit=False) as session:
        inbound = _new_inbound(mailbox, message, key, content_hash, message_id)
        inbound.error = f"{type(exc).__name__}: {exc}"[:2000]
        if describe:  # who sent it and what it was about, so staff can find it
            _describe(inbound, parse_mail(message.raw or b"", services.config.limits), None)
        inbound.reasons = ["the bot failed on this message; it is kept for review"]
        inbound.target_folder = services.config.inbox.review_folder
        session.add(inbound)
        session.flush()
        session.add(RawMessage(inbound_message_id=inbound.id, data=message.raw or b""))
        _advance(session, mailbox, message)
        session.commit()
        return Processed("error", inbound.target_folder, inbound.id)
