"""VERP return paths: each outgoing mail's envelope sender names its outbox row.

With ``[outbox] bounce_address = "bounces@cbd.int"`` a mail goes out from
``bounces+<token>@cbd.int``, where ``<token>`` is the random ``bounce_token`` stored on
its row when it was queued. A delivery report comes back to that address, so the
report's recipient headers say which mail failed, however little its body says — and
nobody who has not seen the mail can guess the token. Without ``bounce_address`` the
envelope sender is the ``from`` address, as before.
"""

import re
import secrets
from email.message import Message
from email.utils import getaddresses

TOKEN_BYTES = 16  # 32 hex digits: with "+" it fits the 64 characters of a local part
RECIPIENT_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To")
_TOKEN = re.compile(rf"[0-9a-f]{{{2 * TOKEN_BYTES}}}")


def new_token() -> str:
    """A fresh token for one outbox row: random, lower-case hex (MTAs may fold case)."""
    return secrets.token_hex(TOKEN_BYTES)


def envelope_sender(default: str, bounce_address: str | None, token: str | None) -> str:
    """The MAIL FROM of one mail: its VERP address when configured, else ``default``."""
    if not bounce_address or not token or not _TOKEN.fullmatch(token):
        return default
    local, _, domain = bounce_address.rpartition("@")
    return f"{local}+{token}@{domain}"


def token_of(address: str, bounce_address: str) -> str | None:
    """The token in ``address`` when it is one of our VERP return paths, else None."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    base_local, _, base_domain = bounce_address.lower().rpartition("@")
    name, plus, token = local.partition("+")
    if domain != base_domain or name != base_local or not plus:
        return None
    return token if _TOKEN.fullmatch(token) else None


def tokens_in(message: Message, bounce_address: str) -> list[str]:
    """The VERP tokens a delivered report carries in its recipient headers."""
    values = [str(v) for name in RECIPIENT_HEADERS for v in message.get_all(name, [])]
    found: dict[str, None] = {}
    for _, address in getaddresses(values):
        token = token_of(address, bounce_address)
        if token:
            found[token] = None
    return list(found)[:10]
