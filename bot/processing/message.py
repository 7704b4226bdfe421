"""The path of one message, in order, ending in ONE transaction.

parse → read (both before the transaction opens, so that a slow message never holds the
database's write lock) → store raw → route → authenticate sender → gather facts → decide
(the rule chain; a staff member's mail is a list of decisions instead, ``staff_mail``) →
write the inbound message, its nomination, participants, decisions, outbox mails and the
mailbox's last UID together. If anything fails the transaction is rolled back and the
failure is counted in a second one: the message stays in the inbox for the next poll,
and after the last attempt it is recorded as ``error`` for review (``failures``); the
loop goes on. A message that needs OCR while ingestion defers it (``ocr_lane``) raises
``OcrDeferred`` out of the read, before anything is written.
"""

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from bot.access.hooks import settle_access
from bot.app import Services
from bot.errors import StorageError, database_error
from bot.failpoints import Point, reach, unclosable_window
from bot.inbox import InboxMessage
from bot.message.authres import check_sender
from bot.message.parse import ParsedMail, parse_mail
from bot.notify.context import event_view, person, reply_context
from bot.policy.chain import Decision, decide, folder_for
from bot.policy.facts import Facts, PolicySettings, gather_facts
from bot.processing import apply
from bot.processing.bounces import handle_bounce
from bot.processing.dedupe import dedupe_key
from bot.processing.failures import record_failure
from bot.processing.inbound import describe, new_inbound
from bot.processing.raw import store_raw
from bot.processing.read import read_mail
from bot.processing.recorder import Recorder
from bot.processing.staff_mail import from_staff, record_staff_mail
from bot.reading import ocr
from bot.reading.analysis import Analysis
from bot.store.mailboxes import advance, forget_failure
from bot.store.models import InboundMessage, Nomination
from bot.vocab import Folder, Kind, Outcome, Reason, ReasonCode, Template

log = logging.getLogger(__name__)
# The OCR lane and the cycle decide in two threads: their transactions take turns, so
# each reads what the other committed (quotas, a colleague's nominees, the same person).
ONE_DECISION_AT_A_TIME = threading.Lock()


@dataclass
class Processed:
    """What happened to one fetched message."""

    outcome: Outcome
    target_folder: str | None
    inbound_id: int | None = None
    duplicate_delivery: bool = False
    replies: list[str] = field(default_factory=list)
    retrying: bool = False  # it failed and stays in the inbox for another attempt


def folder_name(services: Services, folder: Folder) -> str | None:
    inbox = services.config.inbox
    return {
        Folder.PROCESSED: inbox.processed_folder,
        Folder.REVIEW: inbox.review_folder,
        Folder.INBOX: None,
    }[folder]


def _nomination(inbound: InboundMessage, facts: Facts, decision: Decision) -> Nomination:
    analysis, eligible = facts.analysis, facts.eligible
    return Nomination(
        inbound_message_id=inbound.id,
        event_slug=facts.event.slug,
        nominator_email=analysis.from_email or None,
        nominator_name=analysis.from_name or None,
        nominator_role=eligible.role if eligible else None,
        government=eligible.country if eligible else None,
        outcome=decision.outcome,
    )


def _carry_out(recorder: Recorder, facts: Facts, decision: Decision) -> None:
    """Write the nomination, its participants, the reply and the participants' notices."""
    session, analysis, event = recorder.session, facts.analysis, facts.event
    nomination = _nomination(recorder.inbound, facts, decision)
    session.add(nomination)
    session.flush()
    confirmed, pending = apply.register(session, decision, facts, nomination)
    withdrawn = apply.withdraw(session, decision, facts)
    if decision.reply and analysis.from_email:
        context = reply_context(
            event=event,
            analysis=analysis,
            decision_reasons=decision.reasons,
            duplicates=decision.duplicates,
            confirmed=confirmed,
            pending=pending,
            withdrawn=withdrawn,
            not_found=decision.refused_withdrawals,
            secretariat=recorder.services.config.outbox.reply_to
            or recorder.services.config.sender_address,
            received=recorder.inbound.received_at,
        )
        recorder.queue(
            to=analysis.from_email,
            to_name=analysis.from_name,
            template=decision.reply,
            context=context,
            reply=True,
        )
    for row in confirmed:
        recorder.queue(
            to=row.email,
            to_name=row.name,
            template=Template.PARTICIPANT_REGISTERED,
            context={
                "event": event_view(event),
                "participant": person(row),
                "nominator": analysis.from_name or analysis.from_email,
            },
            participant_id=row.id,
        )
    # After the notices: access instructions for anyone confirmed after publication, and
    # the cancellation for anyone withdrawn after receiving them (same transaction).
    settle_access(recorder.services, session, event.slug, [r.email for r in confirmed] + withdrawn)


def _decide_and_record(
    services: Services, session: Session, mail: ParsedMail, analysis: Analysis, inbound
) -> Processed:
    event = services.event(analysis.event)
    auth = check_sender(mail, services.config.inbox.authserv_id)
    inbound.auth_result = auth.result
    policy = services.config.policy
    settings = PolicySettings(policy.require_authentication_results, policy.daily_reply_cap)
    facts = gather_facts(session, analysis, event, auth, inbound.received_at, settings)
    decision = decide(facts)
    languages = (analysis.language, facts.language, event.spec.language if event else None)
    recorder = Recorder(services, session, mail, inbound, languages)
    inbound.outcome = decision.outcome
    inbound.reasons = [r.as_json() for r in decision.reasons]
    acted = analysis.kind == Kind.BOUNCE and handle_bounce(recorder, analysis)
    if decision.effect.keeps:
        _carry_out(recorder, facts, decision)
        acted = True
    target = folder_name(services, folder_for(decision.outcome, acted))
    inbound.target_folder = target
    session.add(inbound)
    return Processed(decision.outcome, target, inbound.id, replies=list(recorder.replies))


def _staff_mail(
    services: Services, session: Session, mail: ParsedMail, analysis: Analysis, inbound
) -> Processed:
    outcome, folder, replies = record_staff_mail(services, session, mail, analysis, inbound)
    inbound.target_folder = folder_name(services, folder)
    session.add(inbound)
    return Processed(outcome, inbound.target_folder, inbound.id, replies=replies)


def _too_large(
    services: Services, inbound: InboundMessage, message: InboxMessage, mail: ParsedMail
) -> Processed:
    limit = services.config.inbox.max_message_bytes
    inbound.outcome = Outcome.IGNORED
    inbound.reasons = [
        Reason(
            ReasonCode.TOO_LARGE,
            {"size_mb": str(message.size // 1048576), "limit_mb": str(limit // 1048576)},
        ).as_json()
    ]
    inbound.target_folder = services.config.inbox.review_folder
    describe(inbound, mail, None)
    return Processed(Outcome.IGNORED, inbound.target_folder, inbound.id)


def _already_seen(services: Services, mailbox: str, message: InboxMessage, key: str):
    with Session(services.engine, expire_on_commit=False) as session:
        seen = session.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).first()
        if seen is not None:
            forget_failure(session, mailbox, key)
            advance(session, mailbox, message)
            session.commit()
            return Processed(
                Outcome(seen.outcome), seen.target_folder, seen.id, duplicate_delivery=True
            )
    return None


def _decide(services: Services, mailbox: str, message: InboxMessage, keys: tuple) -> Processed:
    raw = message.raw or b""
    # SQLite has one write lock for everyone: never hold it while attachments are read.
    mail = parse_mail(raw, services.config.limits)
    analysis = None
    try:
        ocr.defer_behind(mail.from_email)  # behind its sender's message in the OCR lane
        if not message.too_large:
            analysis = read_mail(mail, services.context, services.events, message.received_at)
    except ocr.OcrDeferred:
        raise ocr.OcrDeferred(mail.from_email) from None
    reach(Point.READ)
    with (
        ONE_DECISION_AT_A_TIME,
        unclosable_window(),
        Session(services.engine, expire_on_commit=False) as session,
    ):
        inbound = new_inbound(mailbox, message, *keys)
        session.add(inbound)
        session.flush()
        store_raw(session, inbound.id, raw)
        reach(Point.STORED)
        if analysis is None:
            result = _too_large(services, inbound, message, mail)
        else:
            describe(inbound, mail, analysis)
            if from_staff(services, analysis):
                result = _staff_mail(services, session, mail, analysis, inbound)
            else:
                result = _decide_and_record(services, session, mail, analysis, inbound)
        forget_failure(session, mailbox, keys[0])
        advance(session, mailbox, message)
        reach(Point.DECIDED)
        session.commit()
        return result


def process_message(services: Services, mailbox: str, message: InboxMessage) -> Processed:
    """Decide one message and write everything about it in one transaction."""
    keys = dedupe_key(message.raw or b"")
    seen = _already_seen(services, mailbox, message, keys[0])
    if seen is not None:
        return seen
    try:
        return _decide(services, mailbox, message, keys)
    except IntegrityError:
        log.info("message %s already taken by another process", message.key)
        seen = _already_seen(services, mailbox, message, keys[0])
        if seen is None:
            raise
        return seen
    except OperationalError as exc:
        # The database is unavailable, or the transaction lost a deadlock: nothing was
        # written and the last UID did not move, so the next cycle takes this message again.
        raise StorageError(database_error(exc)) from None
    except Exception as exc:
        log.exception("message %s could not be processed", message.key)
        recorded = record_failure(services, mailbox, message, keys, exc)
        if recorded is None:
            return Processed(Outcome.ERROR, None, retrying=True)
        outcome, folder, inbound_id = recorded
        return Processed(outcome, folder_name(services, folder), inbound_id)
