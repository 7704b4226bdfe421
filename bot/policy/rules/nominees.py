"""Rules about the people a message names: addresses, duplicates, re-nominations and
withdrawals."""

from bot.policy.facts import Facts
from bot.policy.rule import Hit, Rule, hit
from bot.vocab import Kind, ParticipantStatus, ReasonCode, WarningCode


def no_address(facts: Facts) -> Hit | None:
    """A nomination with nobody we could write to."""
    if facts.analysis.kind == Kind.WITHDRAWAL or facts.withdrawals:
        return None
    if facts.addressed:
        return None
    missing = [p.name for p in facts.analysis.participants if not p.email and p.name]
    if missing:
        return hit(ReasonCode.NO_ADDRESS, names=", ".join(missing))
    return hit(ReasonCode.NO_PARTICIPANT)


def all_duplicates(facts: Facts) -> Hit | None:
    """Every nominee is already registered."""
    if facts.addressed and not facts.new_nominees and not facts.withdrawals:
        return hit(ReasonCode.ALL_DUPLICATES)
    return None


def previously_rejected(facts: Facts) -> Hit | None:
    """A nominee staff rejected before is nominated again: staff decide again."""
    again = tuple(
        p.email
        for p in facts.new_nominees
        if p.email in facts.existing
        and facts.existing[p.email].status == ParticipantStatus.REJECTED
    )
    return hit(ReasonCode.REOPENED, again) if again else None


def withdrawal_not_permitted(facts: Facts) -> Hit | None:
    """Only the nominator, or a focal point of the same government, withdraws a participant
    who is registered."""
    refused = tuple(a for a in facts.withdrawals if not facts.may_withdraw(a))
    return hit(ReasonCode.WITHDRAWAL_REFUSED, refused) if refused else None


def withdrawal_only(facts: Facts) -> Hit | None:
    """The message withdraws participants and nominates nobody new: answer as a withdrawal."""
    if facts.withdrawals and not facts.new_nominees:
        return hit(ReasonCode.WITHDRAWAL_ONLY)
    return None


def read_by_ocr(facts: Facts) -> Hit | None:
    """Nominees read by OCR from a scanned page wait for a person to check them."""
    scanned = {
        f"attachment:{w.subject}" for w in facts.analysis.warnings if w.code == WarningCode.OCR_READ
    }
    found = tuple(p.email for p in facts.new_nominees if p.email and p.source in scanned)
    return hit(ReasonCode.READ_BY_OCR, found) if found else None


RULES = [
    Rule("no_address", no_address.__doc__, no_address),
    Rule("all_duplicates", all_duplicates.__doc__, all_duplicates),
    Rule("previously_rejected", previously_rejected.__doc__, previously_rejected),
    Rule("withdrawal_not_permitted", withdrawal_not_permitted.__doc__, withdrawal_not_permitted),
    Rule("withdrawal_only", withdrawal_only.__doc__, withdrawal_only),
    Rule("read_by_ocr", read_by_ocr.__doc__, read_by_ocr),
]
