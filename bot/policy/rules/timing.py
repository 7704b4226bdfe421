"""Rules about when and how many: the deadline and the quota per government."""

from bot.policy.facts import Facts
from bot.policy.rule import Hit, Rule, hit
from bot.vocab import ReasonCode


def late(facts: Facts) -> Hit | None:
    """Nominations received (server time) after the deadline in the event's time zone; a
    message that only withdraws is never late."""
    event = facts.event
    only_withdraws = bool(facts.withdrawals) and not facts.new_nominees
    if event is None or only_withdraws or event.on_time(facts.received_at):
        return None
    return hit(
        ReasonCode.LATE,
        received=event.local(facts.received_at).strftime("%Y-%m-%d %H:%M"),
        deadline=event.spec.deadline.strftime("%Y-%m-%d %H:%M"),
        timezone=event.spec.timezone,
    )


def over_quota(facts: Facts) -> Hit | None:
    """More nominees than the event allows per government: those past the limit wait."""
    event, eligible = facts.event, facts.eligible
    if event is None or not event.spec.max_per_government or eligible is None:
        return None
    limit = event.spec.max_per_government
    active = facts.active_per_government.get(eligible.country, 0)
    already = active - facts.leaving(eligible.country)
    new = facts.new_nominees
    if already + len(new) <= limit:
        return None
    room = max(limit - already, 0)
    beyond = tuple(p.email for p in new[room:] if p.email)
    return hit(
        ReasonCode.OVER_QUOTA,
        beyond,
        country=eligible.country,
        limit=limit,
        already=already,
        more=len(new),
    )


RULES = [
    Rule("late", late.__doc__, late),
    Rule("over_quota", over_quota.__doc__, over_quota),
]
