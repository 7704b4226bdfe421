"""Delivery reports about mail the bot sent, after the chain has ignored a bounce: a
report proven ours marks the failed address undeliverable and tells the participant's
nominating focal point, once; any other report is recorded as an unmatched bounce.

A report is ours only when it is correlated with one mail we sent:

- it came back to a VERP return path we generated (``[outbox] bounce_address``): the
  random token in its recipient headers names a sent outbox row, whose recipient failed;
- or it cites the Message-ID of a mail we sent (``cited_message_ids``) to an address it
  reports as failed.

Knowing an address we wrote to, or copying our loop stamp, proves nothing: anyone can
write that into a report, and an undeliverable participant gets no access instructions.
An unmatched report changes no participant and queues no mail; the digest lists it.
"""

import logging

from sqlmodel import Session, select

from bot.message.robots import cited_message_ids, failures
from bot.notify.context import event_view, person
from bot.notify.languages import nominator_languages
from bot.notify.outbox.verp import tokens_in
from bot.processing.recorder import Recorder
from bot.reading.analysis import Analysis
from bot.store.models import Decision as DecisionRow
from bot.store.models import OutboxMail, Participant, utcnow
from bot.text import clean_header
from bot.vocab import Change, Flag, MailStatus, Reason, ReasonCode, Template

log = logging.getLogger(__name__)
MAX_LISTED = 20  # addresses named in a message's reason


def _verp_rows(recorder: Recorder) -> list[OutboxMail]:
    """Sent mail whose VERP return path the report was delivered to."""
    bounce_address = recorder.services.config.outbox.bounce_address
    tokens = tokens_in(recorder.mail.message, bounce_address) if bounce_address else []
    if not tokens:
        return []
    query = select(OutboxMail).where(
        OutboxMail.bounce_token.in_(tokens), OutboxMail.status == MailStatus.SENT
    )
    return list(recorder.session.exec(query).all())


def _cited_rows(recorder: Recorder, named: set[str]) -> list[OutboxMail]:
    """Sent mail the report cites by Message-ID, to an address the report names."""
    cited = cited_message_ids(recorder.mail.message)
    if not cited or not named:
        return []
    query = select(OutboxMail).where(
        OutboxMail.message_id.in_(cited),
        OutboxMail.to_email.in_(sorted(named)),
        OutboxMail.status == MailStatus.SENT,
    )
    return list(recorder.session.exec(query).all())


def correlate(recorder: Recorder, analysis: Analysis) -> tuple[bool, set[str]]:
    """(whether the report is about mail we sent, the addresses it proves undeliverable).

    A report at a VERP address proves its row's recipient failed unless all it reports
    is a delay; a report citing our Message-ID proves only the failed addresses it names
    that the cited mail was sent to."""
    bounced, delayed = set(analysis.bounced), set(failures(recorder.mail)[1])
    ours, failed = False, set()
    for row in _verp_rows(recorder):
        ours = True
        if bounced or not delayed:
            failed.add(row.to_email)
    for row in _cited_rows(recorder, bounced | delayed):
        ours = True
        if row.to_email in bounced:
            failed.add(row.to_email)
    return ours, failed


def _mark(recorder: Recorder, row: Participant) -> None:
    session = recorder.session
    row.flags = sorted(set(row.flags) | {Flag.UNDELIVERABLE})
    row.updated_at = utcnow()
    session.add(row)
    session.add(
        DecisionRow(
            participant_id=row.id,
            action=Change.BOUNCE,
            from_status=row.status,
            to_status=row.status,
            actor="rules",
            reason=str(ReasonCode.BOUNCED),
        )
    )
    event = recorder.services.event(row.event_slug)
    if row.nominated_by and event is not None:
        recorder.queue(
            to=row.nominated_by,
            to_name=None,
            template=Template.BOUNCE_NOTICE,
            context={
                "event": event_view(event),
                "participant": person(row),
                "recipient_name": None,
            },
            participant_id=row.id,
            languages=nominator_languages(session, row, event),
        )


def _note(recorder: Recorder, code: ReasonCode, addresses: list[str]) -> None:
    """Add the bounce's reason to the message's (after the chain's ``robot``)."""
    listed = ", ".join(addresses[:MAX_LISTED])
    if len(addresses) > MAX_LISTED:
        listed += f" (+{len(addresses) - MAX_LISTED})"
    reason = Reason(code, {"addresses": clean_header(listed, 1000)})  # one plain line
    recorder.inbound.reasons = [*(recorder.inbound.reasons or []), reason.as_json()]


def handle_bounce(recorder: Recorder, analysis: Analysis) -> bool:
    """Act on a delivery report; True when it is about mail we sent (see the module)."""
    session: Session = recorder.session
    ours, failed = correlate(recorder, analysis)
    if not ours:
        log.info("unmatched bounce from %s: cites no mail we sent", analysis.from_email)
        _note(recorder, ReasonCode.UNMATCHED_BOUNCE, sorted(analysis.bounced))
        return False
    for address in sorted(failed):
        for row in session.exec(select(Participant).where(Participant.email == address)).all():
            if Flag.UNDELIVERABLE not in row.flags:
                _mark(recorder, row)
    _note(recorder, ReasonCode.BOUNCED, sorted(failed))
    return True
