"""The rules, one small named check each, grouped by what they look at.

``RULES`` maps each rule's name to it; the chain (``bot.policy.chain``) says in which
order they run and what each one's hit does.
"""

from bot.policy.rule import Rule
from bot.policy.rules import message, nominees, sender, timing

RULES: dict[str, Rule] = {
    rule.name: rule
    for module in (message, sender, nominees, timing)
    for rule in module.RULES
}
