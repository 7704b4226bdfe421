"""Classification of robots: bounces, automatic replies, lists — mail never answered.

Runs before any extraction. A delivery report is a ``bounce`` (its failed addresses read
with flufl.bounce, falling back to the RFC 3464 fields); out-of-office, vacation,
``Auto-Submitted`` and challenge-response mail is an ``auto_reply``; list and bulk mail
is ``other``. Bounce detection wins over list detection: bounces to list owners carry
list headers. Whether a person's message nominates someone is decided later, from its
content.
"""

import logging
import re
from dataclasses import dataclass, field
from email.message import Message

from bot.message.parse import ParsedMail

logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)

LOOP_HEADER = "X-Nombot-Loop"
_ROBOT_LOCALPARTS = re.compile(
    r"^(mailer-daemon|mailerdaemon|postmaster|mail-daemon|mail-delivery-subsystem|"
    r"no-?reply|do-?not-?reply|donotreply|bounces?|autoreply|auto-reply|notifications?)(\+.*)?$",
    re.I,
)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery (status )?notification|delivery (failure|has failed|problem)|"
    r"failure notice|mail delivery (failed|failure|system)|returned mail|returned to sender|"
    r"could not be delivered|not delivered|non remis|non distribu|impossible de remettre|"
    r"no se puede entregar|no entregado|no se pudo entregar|error de entrega|"
    r"nondeliverable|non-deliverable|unzustellbar|delivery delayed|delayed mail|"
    r"mail system error|message not delivered|bounced? mail|mail returned)",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(\[?auto(matic)?[ -]?(reply|response|answer|generated|antwort)\]?|out of (the )?office|"
    r"r[ée]ponse automatique|absence|absent|respuesta autom[áa]tica|fuera de (la )?oficina|"
    r"ausente|ausencia|auto\s*:|autoreply|vacation|on (annual )?leave|en cong[ée]|"
    r"hors du bureau|abwesenheit|automatische antwort|resposta autom[áa]tica|"
    r"away from (the )?office|out of office)",
    re.I,
)
_AUTO_ANYWHERE = re.compile(r"\[auto[ -]?generated\]|\bauto-?reply\b|\bout of office\b", re.I)
_CHALLENGE = re.compile(
    r"(please confirm (your|that you)|verify (your|that you)|confirm your (e-?mail|request)|"
    r"challenge|anti-?spam (verification|check)|sender verification)",
    re.I,
)


@dataclass
class RobotVerdict:
    """What kind of robot sent the message, if any, and why we think so."""

    kind: str | None = None  # "bounce" | "auto_reply" | "other" | None (a person)
    reason: str = ""
    bounced: list[str] = field(default_factory=list)
    delayed: list[str] = field(default_factory=list)


def _decode(addresses) -> list[str]:
    found = []
    for address in addresses:
        text = address.decode("utf-8", "replace") if isinstance(address, bytes) else str(address)
        text = text.strip().strip("<>").lower()
        if "@" in text:
            found.append(text)
    return sorted(set(found))


def _dsn_recipients(message: Message) -> tuple[list[str], list[str]]:
    """Failed and delayed recipients from RFC 3464 delivery-status parts."""
    failed, delayed = [], []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks:
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            action = str(block.get("Action", "")).strip().lower()
            address = str(recipient).split(";", 1)[-1].strip().strip("<>").lower()
            if "@" not in address:
                continue
            if action == "failed":
                failed.append(address)
            elif action in ("delayed",):
                delayed.append(address)
    return sorted(set(failed)), sorted(set(delayed))


_ORIGINAL_PART = re.compile(
    r"^(original message headers|-+ ?(this is a copy|original message|the original)|"
    r"received: |content-type: message/rfc822|-+ ?below this line)",
    re.I | re.M,
)
_PERMANENT_CODE = re.compile(r"(?<![\d.])(5\d\d(?![\d.])|5\.\d{1,3}\.\d{1,3})")
_FAILED_LIST = re.compile(
    r"(failed to these recipients|could not be delivered to|following (recipients?|addresses?) "
    r"failed|permanent(ly)? (error|failure)|n'a pas pu [êe]tre remis|no se pudo entregar)",
    re.I,
)


def _text_failures(mail: ParsedMail) -> list[str]:
    """Failed addresses in a bounce written as plain text (Exchange, qmail, Postfix …)."""
    text = mail.text
    cut = _ORIGINAL_PART.search(text)
    if cut:
        text = text[: cut.start()]
    found: set[str] = set()
    listing = False
    for line in text.splitlines():
        addresses = [a.lower() for a in re.findall(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", line)]
        if _FAILED_LIST.search(line):
            listing = True
        if addresses and (listing or _PERMANENT_CODE.search(line)):
            found.update(addresses)
    return sorted(a for a in found if a != mail.from_email)


def _bounce_signals(mail: ParsedMail) -> tuple[bool, bool]:
    """(strong, weak) evidence that the message is a delivery report."""
    message = mail.message
    report_type = str(message.get_param("report-type", "") or "").lower()
    is_dsn = mail.content_type == "multipart/report" and report_type == "delivery-status"
    has_status = any(p.get_content_type() == "message/delivery-status" for p in message.walk())
    local = mail.from_email.partition("@")[0]
    robot_sender = bool(
        re.match(r"^(mailer-?daemon|postmaster|mail-delivery-subsystem|mail-daemon)", local, re.I)
    )
    subject = _BOUNCE_SUBJECT.search(mail.subject or "") is not None
    failed_header = bool(message.get("X-Failed-Recipients"))
    strong = is_dsn or has_status or failed_header or (robot_sender and subject)
    weak = robot_sender or subject or mail.header("Return-Path").strip() == "<>"
    return strong, weak


def detect_bounce(mail: ParsedMail) -> RobotVerdict | None:
    strong, weak = _bounce_signals(mail)
    if not (strong or weak):
        return None
    permanent: list[str] = []
    temporary: list[str] = []
    try:
        from flufl.bounce import all_failures

        temporary_raw, permanent_raw = all_failures(mail.message)
        permanent, temporary = _decode(permanent_raw), _decode(temporary_raw)
    except Exception:  # a detector choking on odd input is not a reason to crash
        permanent, temporary = [], []
    failed, delayed = _dsn_recipients(mail.message)
    if strong and not (permanent or failed or temporary or delayed):
        failed = _text_failures(mail)
    permanent = sorted(set(permanent) | set(failed))
    temporary = sorted((set(temporary) | set(delayed)) - set(permanent))
    if strong or permanent or temporary:
        reason = "delivery status notification" if strong else "bounce detected in content"
        return RobotVerdict("bounce", reason, permanent, temporary)
    local = mail.from_email.partition("@")[0]
    if re.match(r"^(mailer-?daemon|postmaster)", local, re.I):
        return RobotVerdict("bounce", "sent by a mail system", [], [])
    return None


def detect_robot(mail: ParsedMail) -> RobotVerdict:
    """Classify automatic mail; ``kind`` stays None for mail a person wrote."""
    if mail.header(LOOP_HEADER):
        return RobotVerdict("auto_reply", "our own mail came back")
    bounce = detect_bounce(mail)
    if bounce:
        return bounce
    message = mail.message
    report_type = str(message.get_param("report-type", "") or "").lower()
    if mail.content_type == "multipart/report" and report_type == "disposition-notification":
        return RobotVerdict("auto_reply", "read receipt")
    if mail.content_type == "multipart/report" and report_type == "feedback-report":
        return RobotVerdict("other", "abuse report")
    auto_submitted = mail.header("Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return RobotVerdict("auto_reply", f"Auto-Submitted: {auto_submitted}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-AutoReply-From"):
        if mail.header(name):
            return RobotVerdict("auto_reply", f"{name} header")
    precedence = mail.header("Precedence").lower()
    if precedence in ("auto_reply", "auto-reply"):
        return RobotVerdict("auto_reply", f"Precedence: {precedence}")
    subject = mail.subject or ""
    if _AUTO_SUBJECT.search(subject) or _AUTO_ANYWHERE.search(subject):
        return RobotVerdict("auto_reply", "automatic reply subject")
    local = mail.from_email.partition("@")[0]
    if _ROBOT_LOCALPARTS.match(local):
        return RobotVerdict("auto_reply", f"sent by {local}@")
    if mail.header("Return-Path").strip() == "<>":
        return RobotVerdict("auto_reply", "null return path")
    if _CHALLENGE.search(subject) and (
        mail.header("X-Boxbe-Pending") or "confirm" in subject.lower()
    ):
        return RobotVerdict("auto_reply", "challenge-response")
    if precedence in ("bulk", "list", "junk"):
        return RobotVerdict("other", f"Precedence: {precedence}")
    for name in ("List-Id", "List-Unsubscribe", "List-Post", "List-Help", "X-Mailing-List"):
        if mail.header(name):
            return RobotVerdict("other", f"{name} header (list mail)")
    if mail.header("X-Spam-Flag").upper() == "YES":
        return RobotVerdict("other", "marked as spam")
    return RobotVerdict(None)
