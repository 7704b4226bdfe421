"""Reading plus routing: what one message says and which open call it answers.

The reader (``bot.reading``) knows events only by their terms; routing (``bot.policy``)
chooses among the open ones by the receipt time. ``nombot parse``, the benchmarks and the
pipeline all read a message through here.
"""

from datetime import datetime

from bot.message.parse import ParsedMail, parse_mail
from bot.policy.events import Event
from bot.policy.routing import assign_event
from bot.reading.analysis import Analysis, AnalysisContext, analyse_mail


def read_mail(
    mail: ParsedMail,
    context: AnalysisContext,
    events: list[Event],
    received_at: datetime | None = None,
) -> Analysis:
    analysis = analyse_mail(mail, context)
    assign_event(analysis, events, received_at)
    return analysis


def read_message(
    raw: bytes,
    context: AnalysisContext,
    events: list[Event],
    received_at: datetime | None = None,
) -> Analysis:
    """Read raw bytes. Never raises on bad input: problems become warnings."""
    return read_mail(parse_mail(raw, context.limits), context, events, received_at)
