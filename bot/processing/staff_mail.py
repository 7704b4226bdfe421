"""Mail from the secretariat's staff: decisions by e-mail instead of the rule chain.

Place in the pipeline: ``bot.processing.message`` asks ``from_staff`` after reading a
message; when its From is one of ``[staff] addresses`` (and it is not an automatic
reply or a bounce), ``record_staff_mail`` takes it in the message's transaction. Staff
commands are carried out only when the receiving server's ``Authentication-Results``
(``inbox.authserv_id``) pass for that From: otherwise the message is held for review,
nothing changes and nobody is answered — a forged staff address decides nothing. A
verified message gets one reply: what each command did, or a short help when it held
none (``templates/_staff_reply.txt.j2``, in the digest's language).
"""

from dataclasses import asdict

from sqlmodel import Session

from bot.app import Services
from bot.message.authres import check_sender
from bot.message.parse import ParsedMail
from bot.processing.recorder import Recorder
from bot.reading.analysis import Analysis
from bot.staff.mail_commands import apply_commands, own_lines, read_commands
from bot.store.models import InboundMessage
from bot.vocab import ROBOT_KINDS, AuthResult, Folder, Outcome, Reason, ReasonCode, Template


def from_staff(services: Services, analysis: Analysis) -> bool:
    """Whether a message is a staff member's own mail (not a robot writing for them)."""
    sender = (analysis.from_email or "").lower()
    return (
        bool(sender)
        and sender in services.config.staff.addresses
        and (analysis.kind not in ROBOT_KINDS)
    )


def _hold(inbound: InboundMessage, result: AuthResult, detail: str) -> tuple[Outcome, Folder]:
    code = ReasonCode.AUTH_FAILED if result == AuthResult.FAIL else ReasonCode.UNVERIFIED_SENDER
    text = f"staff commands not carried out: {detail}"
    inbound.outcome = Outcome.HELD
    inbound.reasons = [Reason(code, {"detail": text}).as_json()]
    return Outcome.HELD, Folder.REVIEW


def record_staff_mail(
    services: Services,
    session: Session,
    mail: ParsedMail,
    analysis: Analysis,
    inbound: InboundMessage,
) -> tuple[Outcome, Folder, list[Template]]:
    """Carry out a staff member's commands and queue the one reply; the caller commits."""
    auth = check_sender(mail, services.config.inbox.authserv_id)
    inbound.auth_result = auth.result
    if auth.result != AuthResult.PASS:
        return (*_hold(inbound, auth.result, auth.detail), [])
    commands = read_commands(own_lines(mail, services.context))
    note = f"decided by e-mail (message #{inbound.id})"
    results = apply_commands(services, session, commands, analysis.from_email, note)
    recorder = Recorder(services, session, mail, inbound, (services.config.digest.language,))
    recorder.queue(
        to=analysis.from_email,
        to_name=analysis.from_name,
        template=Template.STAFF_REPLY,
        context={"results": [asdict(r) for r in results], "help": not commands},
        reply=True,
    )
    inbound.outcome = Outcome.STAFF_COMMANDS
    inbound.reasons = []
    return Outcome.STAFF_COMMANDS, Folder.PROCESSED, list(recorder.replies)
