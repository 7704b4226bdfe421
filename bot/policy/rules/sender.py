"""Rules about who sent the message: authenticated, and in a nominating role."""

from bot.policy.facts import Facts
from bot.policy.rule import Hit, Rule, hit
from bot.vocab import AuthResult, ReasonCode


def auth_failed(facts: Facts) -> Hit | None:
    """The receiving server found the From forged."""
    if facts.auth.failed:
        return hit(ReasonCode.AUTH_FAILED, detail=facts.auth.detail)
    return None


def unverified_sender(facts: Facts) -> Hit | None:
    """Where the configuration requires it, a sender nobody could verify."""
    if facts.settings.require_auth_header and facts.auth.result == AuthResult.NONE:
        return hit(ReasonCode.UNVERIFIED_SENDER, detail=facts.auth.detail)
    return None


def not_a_nominating_role(facts: Facts) -> Hit | None:
    """The sender holds no role that nominates for this event."""
    if facts.eligible is not None or facts.fallback_blocked:
        return None
    roles = sorted({r.role for r in facts.sender_roles})
    if not roles:
        return hit(ReasonCode.NOT_IN_DIRECTORY)
    return hit(
        ReasonCode.ROLE_NOT_NOMINATING,
        roles=", ".join(roles),
        nominating_roles=", ".join(facts.event.spec.nominating_roles),
    )


def fallback_blocked(facts: Facts) -> Hit | None:
    """A fallback role (a CBD focal point) where the government has its own focal point."""
    if facts.eligible is None and facts.fallback_blocked:
        blocked = facts.fallback_blocked[0]
        return hit(
            ReasonCode.FALLBACK_BLOCKED,
            role=blocked.role,
            country=blocked.country,
            blocking_roles=", ".join(facts.event.spec.fallback_blocked_by),
        )
    return None


def reply_cap(facts: Facts) -> Hit | None:
    """The sender already had the day's share of automatic replies."""
    cap = facts.settings.daily_reply_cap
    if facts.analysis.from_email and facts.replies_today >= cap:
        return hit(ReasonCode.REPLY_CAP, cap=cap)
    return None


RULES = [
    Rule("auth_failed", auth_failed.__doc__, auth_failed),
    Rule("unverified_sender", unverified_sender.__doc__, unverified_sender),
    Rule("not_a_nominating_role", not_a_nominating_role.__doc__, not_a_nominating_role),
    Rule("fallback_blocked", fallback_blocked.__doc__, fallback_blocked),
    Rule("reply_cap", reply_cap.__doc__, reply_cap),
]
