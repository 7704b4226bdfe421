"""Is the From address real? The receiving server's ``Authentication-Results`` says.

Only the topmost header written by our own receiving server (``inbox.authserv_id``) is
trusted — lower ones can be forged by the sender. Microsoft 365 writes the header without
an authserv-id; the topmost such header is accepted. ``dmarc=fail``, ``compauth=fail``,
or ``spf=fail`` without a DKIM pass aligned with the From domain means the From is not
trusted.
"""

import re
from dataclasses import dataclass

from bot.message.parse import ParsedMail

_METHOD = re.compile(r"(?:^|;)\s*([a-z][a-z0-9_-]*)\s*=\s*([a-z]+)([^;]*)", re.I)
_PROPERTY = re.compile(
    r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom)\s*=\s*([^\s;()]+)", re.I
)


@dataclass(frozen=True)
class AuthVerdict:
    """``pass``, ``fail`` or ``none`` (no usable header), with the evidence."""

    result: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.result == "fail"


def _aligned(domain: str, from_domain: str) -> bool:
    domain, from_domain = domain.lower().lstrip("@"), from_domain.lower()
    if not domain or not from_domain:
        return False
    if (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    ):
        return True
    return domain.split(".")[-2:] == from_domain.split(".")[-2:] and len(from_domain.split(".")) > 2


def _authserv_id(value: str) -> str | None:
    """The id before the first ';', or None in Microsoft's form that starts with a method."""
    tokens = value.split(";", 1)[0].split()
    if not tokens or "=" in tokens[0]:
        return None
    return tokens[0].lower()


def choose_header(values: list[str], authserv_id: str | None) -> str | None:
    """The header to trust among all ``Authentication-Results`` values, top first.

    With an ``authserv_id``: the topmost header carrying that id, or a topmost header
    without any id (Microsoft 365). Without one: the topmost header.
    """
    if not values:
        return None
    if authserv_id is None or _authserv_id(values[0]) is None:
        return values[0]
    wanted = authserv_id.lower()
    return next((v for v in values if _authserv_id(v) == wanted), None)


def evaluate(value: str, from_email: str) -> AuthVerdict:
    from_domain = from_email.rpartition("@")[2]
    results: dict[str, list[tuple[str, str]]] = {}
    for method, result, rest in _METHOD.findall(value):
        results.setdefault(method.lower(), []).append((result.lower(), rest))
    if not results:
        return AuthVerdict("none", "no results in the header")

    def first(method: str) -> str | None:
        return results[method][0][0] if method in results else None

    dkim_aligned_pass = any(
        result == "pass"
        and any(
            _aligned(domain.split("@")[-1], from_domain)
            for key, domain in _PROPERTY.findall(rest)
            if key.lower() in ("header.d", "header.i")
        )
        for result, rest in results.get("dkim", [])
    )
    if first("dmarc") == "fail":
        return AuthVerdict("fail", "dmarc=fail")
    if first("compauth") == "fail":
        return AuthVerdict("fail", "compauth=fail")
    if first("spf") == "fail" and not dkim_aligned_pass:
        return AuthVerdict("fail", "spf=fail and no aligned dkim=pass")
    if first("dmarc") == "pass" or first("compauth") == "pass" or dkim_aligned_pass:
        return AuthVerdict(
            "pass", f"dmarc={first('dmarc') or '-'} dkim_aligned={dkim_aligned_pass}"
        )
    spf_aligned_pass = any(
        result == "pass"
        and any(
            _aligned(value.rpartition("@")[2], from_domain)
            for key, value in _PROPERTY.findall(rest)
            if key.lower() == "smtp.mailfrom"
        )
        for result, rest in results.get("spf", [])
    )
    if spf_aligned_pass:
        return AuthVerdict("pass", "spf=pass aligned with the From domain")
    return AuthVerdict("none", "no decisive result")


def check_sender(mail: ParsedMail, authserv_id: str | None) -> AuthVerdict:
    header = choose_header(mail.headers("Authentication-Results"), authserv_id)
    if header is None:
        return AuthVerdict("none", "no Authentication-Results from the receiving server")
    return evaluate(header, mail.from_email)
