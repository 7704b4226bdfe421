"""Carries a decision out on the participant rows: registers (or re-opens) the nominees
with their status and flags, withdraws what may be withdrawn, and logs each change as a
``decision`` row. Nothing here decides; the chain already has."""

from sqlmodel import Session, select

from bot.policy.chain import Decision
from bot.policy.events import Event
from bot.policy.facts import Facts
from bot.processing.recorder import plain_name
from bot.reading.analysis import Nominee
from bot.store.models import Decision as DecisionRow
from bot.store.models import Nomination, Participant, utcnow
from bot.vocab import ACTIVE_STATUSES, Change, ParticipantStatus, ReasonCode

RULES_ACTOR = "rules"


def _row(session: Session, event: Event, address: str) -> Participant | None:
    return session.exec(
        select(Participant).where(
            Participant.event_slug == event.slug, Participant.email == address
        )
    ).first()


def _government(facts: Facts, nominee: Nominee, row: Participant) -> str | None:
    eligible = facts.eligible
    if nominee.country or row.country:
        return nominee.country or row.country
    return eligible.country if eligible and len(eligible.country) == 2 else None


def _fill(row: Participant, nominee: Nominee, facts: Facts, nomination: Nomination) -> None:
    row.name = plain_name(nominee.name) or row.name
    row.title = nominee.title or row.title
    row.organization = nominee.organization or row.organization
    row.country = _government(facts, nominee, row)
    row.government = facts.eligible.country if facts.eligible else row.government
    row.nominated_by = facts.analysis.from_email
    row.nomination_id = nomination.id
    row.source = nominee.source
    row.nominated_at = row.updated_at = utcnow()


def register(
    session: Session, decision: Decision, facts: Facts, nomination: Nomination
) -> tuple[list[Participant], list[Participant]]:
    """Insert or re-open the nominees; returns (confirmed, pending) participant rows."""
    event = facts.event
    assert event is not None
    confirmed, pending = [], []
    for nominee in decision.register:
        old_address = facts.corrections.get(nominee.email)
        if old_address and (row := _row(session, event, old_address)) is not None:
            _correct(session, row, nominee, facts, nomination)
        else:
            row = _nominate(session, event, nominee, decision, facts, nomination)
        (confirmed if row.status == ParticipantStatus.CONFIRMED else pending).append(row)
    return confirmed, pending


def _nominate(
    session: Session,
    event: Event,
    nominee: Nominee,
    decision: Decision,
    facts: Facts,
    nomination: Nomination,
) -> Participant:
    flags = decision.flags_for(nominee.email)
    status = ParticipantStatus.PENDING if flags else ParticipantStatus.CONFIRMED
    row = _row(session, event, nominee.email)
    previous = row.status if row else None
    if row is None:
        row = Participant(event_slug=event.slug, email=nominee.email, status=status)
    _fill(row, nominee, facts, nomination)
    row.status, row.flags = status, [str(f) for f in flags]
    row.reasons = [r.as_json() for r in decision.reasons]
    session.add(row)
    session.flush()
    codes = ", ".join(str(r.code) for r in decision.reasons) or None
    _log(session, row, Change.NOMINATE, previous, RULES_ACTOR, codes)
    return row


def _correct(
    session: Session, row: Participant, nominee: Nominee, facts: Facts, nomination: Nomination
) -> None:
    """The registered participant's address is replaced: one participant, not two."""
    old = row.email
    row.email = nominee.email
    row.name = plain_name(nominee.name) or row.name
    row.title = nominee.title or row.title
    row.organization = nominee.organization or row.organization
    row.nomination_id = nomination.id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    _log(session, row, Change.CORRECT_ADDRESS, row.status, facts.analysis.from_email, old)


def _log(session: Session, row: Participant, change: Change, previous, actor, reason) -> None:
    session.add(
        DecisionRow(
            participant_id=row.id,
            action=change,
            from_status=previous,
            to_status=row.status,
            actor=actor or RULES_ACTOR,
            reason=reason,
        )
    )


def withdraw(session: Session, decision: Decision, facts: Facts) -> list[str]:
    """Withdraw the participants the decision names; returns the addresses withdrawn."""
    event = facts.event
    assert event is not None
    done = []
    for address in decision.withdraw:
        row = _row(session, event, address)
        if row is None or row.status not in ACTIVE_STATUSES:
            continue
        previous = row.status
        row.status, row.updated_at = ParticipantStatus.WITHDRAWN, utcnow()
        session.add(row)
        by = facts.analysis.from_email
        _log(session, row, Change.WITHDRAW, previous, by, str(ReasonCode.WITHDRAWN_BY_NOMINATOR))
        done.append(address)
    return done
