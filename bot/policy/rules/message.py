"""Rules about the message itself: is it the bot's to decide at all?"""

from bot.policy.facts import Facts
from bot.policy.rule import Hit, Rule, hit
from bot.vocab import ROBOT_KINDS, Kind, ReasonCode


def robot(facts: Facts) -> Hit | None:
    """Automatic replies and bounces are never answered."""
    kind = facts.analysis.kind
    if kind in ROBOT_KINDS:
        return hit(ReasonCode.ROBOT, detail=facts.analysis.robot_reason or kind)
    return None


def not_a_nomination(facts: Facts) -> Hit | None:
    """Mail that nominates nobody is left to staff."""
    if facts.analysis.kind == Kind.OTHER:
        return hit(ReasonCode.NOT_A_NOMINATION, detail=facts.analysis.robot_reason)
    return None


def no_open_event(facts: Facts) -> Hit | None:
    """A nomination that answers no open call for nominations is not the bot's."""
    if facts.event is None:
        return hit(ReasonCode.NO_OPEN_EVENT, detail=facts.analysis.route_reason or "no match")
    return None


def cue_less_from_stranger(facts: Facts) -> Hit | None:
    """People listed with addresses but no word of nominating anyone, from an address that
    is not a focal point: somebody's list, not a nomination."""
    if not facts.analysis.cued and not facts.in_directory:
        return hit(ReasonCode.NOT_A_NOMINATION, detail="a list of people, not said to nominate")
    return None


RULES = [
    Rule("robot", robot.__doc__, robot),
    Rule("not_a_nomination", not_a_nomination.__doc__, not_a_nomination),
    Rule("no_open_event", no_open_event.__doc__, no_open_event),
    Rule("cue_less_from_stranger", cue_less_from_stranger.__doc__, cue_less_from_stranger),
]
