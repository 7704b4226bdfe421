"""Is the From address real? The receiving server's ``Authentication-Results`` says.

Place in the pipeline: ``processing`` calls :func:`check_sender` on every message once it
is parsed and before the rule chain runs; the chain holds a message whose verdict
``failed`` and, with ``policy.require_authentication_results``, one whose verdict is
``none``. The verdict is stored with the message (``auth_result``).

Which header counts:

* Only headers written by our own receiving server, the one named by
  ``inbox.authserv_id`` (compared case-insensitively), count, and of those only the
  topmost: a sender can write any header below it, including one that claims our id.
  Headers of other servers (relays, the sender's own provider) are ignored wherever they
  are.
* Microsoft 365 writes the header without an authserv-id (``spf=pass (sender IP is …)
  smtp.mailfrom=…; dkim=pass … header.d=…;dmarc=pass action=none
  header.from=…;compauth=pass reason=100``). Such a header is accepted only as the
  topmost header of the message, where only the last server to handle it can have put
  it; an id-less header further down is ignored. The id-less form is not RFC 8601 and
  is read by a tolerant parser; every other header is parsed with ``authres`` and a
  header it rejects is unreadable (verdict ``none``), never guessed at.
* With no ``inbox.authserv_id`` configured, no header is trusted and every verdict is
  ``none``.

The verdict, from the trusted header: ``dmarc=fail``, ``compauth=fail``, or ``spf=fail``
without a DKIM pass aligned with the From domain → ``fail``; ``dmarc=pass``,
``compauth=pass`` or an aligned DKIM pass → ``pass``; an SPF pass whose
``smtp.mailfrom`` domain is aligned with the From domain → ``pass``; anything else →
``none``.

Alignment is DMARC's relaxed alignment: two domains are aligned when they are equal or
share the same organisational domain, the label below their public suffix in the Public
Suffix List (``publicsuffixlist``, which ships the list). ``mail.environment.go.ke`` is
aligned with ``environment.go.ke``; ``attacker.go.ke`` is not, ``go.ke`` being a public
suffix.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import authres
from publicsuffixlist import PublicSuffixList

from bot.message.parse import ParsedMail
from bot.vocab import AuthResult

HEADER = "Authentication-Results"

# Microsoft 365's form starts with a result (``spf=pass``) where the authserv-id belongs.
_IDLESS = re.compile(r"\s*[a-z][a-z0-9_.-]*(?:/\d+)?\s*=", re.I)
_AUTHSERV_ID = re.compile(r"\s*([^\s;()]+)")
_CLAUSE = re.compile(r"\s*([a-z][a-z0-9_.-]*)(?:/\d+)?\s*=\s*([a-z0-9_-]+)(.*)", re.I | re.S)
_PROPERTY = re.compile(r"\b([a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*)\s*=\s*(\"[^\"]*\"|[^\s;]*)", re.I)

_DKIM_IDENTITIES = ("header.d", "header.i")
_SPF_IDENTITIES = ("smtp.mailfrom",)


@dataclass(frozen=True)
class AuthVerdict:
    """``pass``, ``fail`` or ``none`` (no usable header), with the evidence."""

    result: AuthResult
    detail: str

    @property
    def failed(self) -> bool:
        return self.result == AuthResult.FAIL


@dataclass(frozen=True)
class _Result:
    """One ``method=result`` clause with its ``ptype.property=value`` pairs, lower-cased."""

    method: str
    result: str
    properties: tuple[tuple[str, str], ...] = ()

    def values(self, names: Iterable[str]) -> list[str]:
        wanted = tuple(names)
        return [value for name, value in self.properties if name in wanted]


# Which header ------------------------------------------------------------------------


def is_idless(value: str) -> bool:
    """True for Microsoft 365's form, which starts with a result instead of an id."""
    return _IDLESS.match(value) is not None


def authserv_id_of(value: str) -> str | None:
    """The authserv-id a header names, lower-cased; None for the id-less form or none."""
    if is_idless(value):
        return None
    match = _AUTHSERV_ID.match(value)
    return match.group(1).lower() if match else None


def choose_header(values: list[str], authserv_id: str | None) -> str | None:
    """The header to trust among all ``Authentication-Results`` values, top first.

    The topmost header carrying ``authserv_id``, or the topmost header of the message if
    it has no authserv-id at all (Microsoft 365). None when ``authserv_id`` is not
    configured: then no header is trusted.
    """
    if not authserv_id or not authserv_id.strip() or not values:
        return None
    if is_idless(values[0]):
        return values[0]
    wanted = authserv_id.strip().lower()
    return next((v for v in values if authserv_id_of(v) == wanted), None)


# Reading a header --------------------------------------------------------------------


def _parse_strict(value: str) -> list[_Result] | None:
    """An RFC 8601 header through ``authres``; None when it does not parse."""
    try:
        header = authres.parse_value(value.strip().rstrip(";").rstrip())
    except (authres.AuthResError, ValueError, RecursionError):  # deep comment nesting
        return None
    return [
        _Result(
            result.method.lower(),
            result.result.lower(),
            tuple((f"{p.type}.{p.name}".lower(), str(p.value or "")) for p in result.properties),
        )
        for result in header.results
    ]


def _drop_comments(text: str) -> str:
    """The text without its parenthesised, possibly nested, comments; an unclosed one
    runs to the end."""
    kept: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            kept.append(" " if depth == 0 else "")
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def _parse_tolerant(value: str) -> list[_Result]:
    """Microsoft 365's id-less form: ``;``-separated clauses, comments dropped."""
    results: list[_Result] = []
    for clause in _drop_comments(value).split(";"):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            continue
        method, result, rest = match.groups()
        properties = tuple((k.lower(), v.strip('"')) for k, v in _PROPERTY.findall(rest))
        results.append(_Result(method.lower(), result.lower(), properties))
    return results


def _parse(value: str) -> list[_Result] | None:
    return _parse_tolerant(value) if is_idless(value) else _parse_strict(value)


# Alignment ---------------------------------------------------------------------------


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def _domain(identity: str) -> str:
    """The domain of ``user@domain``, ``@domain`` or ``domain``, lower-case ASCII."""
    domain = identity.strip().strip('<>"').rpartition("@")[2].strip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def organisational_domain(domain: str) -> str | None:
    """The registrable domain (one label below the public suffix), or None."""
    domain = _domain(domain)
    return _public_suffixes().privatesuffix(domain) if domain else None


def aligned(identity: str, from_domain: str) -> bool:
    """Relaxed (DMARC) alignment of an authenticated identity with the From domain."""
    domain, wanted = _domain(identity), _domain(from_domain)
    if not domain or not wanted:
        return False
    if domain == wanted:
        return True
    organisational = organisational_domain(domain)
    return organisational is not None and organisational == organisational_domain(wanted)


def _aligned_pass(
    results: list[_Result], method: str, identities: tuple[str, ...], from_domain: str
) -> bool:
    return any(
        result.method == method
        and result.result == "pass"
        and any(aligned(value, from_domain) for value in result.values(identities))
        for result in results
    )


# The verdict -------------------------------------------------------------------------


def _first(results: list[_Result], method: str) -> str | None:
    return next((r.result for r in results if r.method == method), None)


def _judge(results: list[_Result], from_domain: str) -> AuthVerdict:
    dmarc, compauth, spf = (_first(results, m) for m in ("dmarc", "compauth", "spf"))
    dkim_aligned = _aligned_pass(results, "dkim", _DKIM_IDENTITIES, from_domain)
    if dmarc == "fail":
        return AuthVerdict(AuthResult.FAIL, "dmarc=fail")
    if compauth == "fail":
        return AuthVerdict(AuthResult.FAIL, "compauth=fail")
    if spf == "fail" and not dkim_aligned:
        return AuthVerdict(AuthResult.FAIL, "spf=fail and no aligned dkim=pass")
    if dmarc == "pass" or compauth == "pass" or dkim_aligned:
        detail = f"dmarc={dmarc or '-'} compauth={compauth or '-'} dkim_aligned={dkim_aligned}"
        return AuthVerdict(AuthResult.PASS, detail)
    if _aligned_pass(results, "spf", _SPF_IDENTITIES, from_domain):
        return AuthVerdict(AuthResult.PASS, "spf=pass aligned with the From domain")
    return AuthVerdict(AuthResult.NONE, "no decisive result")


def evaluate(value: str, from_email: str) -> AuthVerdict:
    """The verdict of one ``Authentication-Results`` value for a From address."""
    results = _parse(value)
    if results is None:
        return AuthVerdict(AuthResult.NONE, "unreadable Authentication-Results header")
    if not results:
        return AuthVerdict(AuthResult.NONE, "no results in the header")
    return _judge(results, from_email.rpartition("@")[2])


def check_sender(mail: ParsedMail, authserv_id: str | None) -> AuthVerdict:
    """The verdict on a message's From, from its trusted ``Authentication-Results``."""
    if not authserv_id or not authserv_id.strip():
        return AuthVerdict(
            AuthResult.NONE,
            "no receiving server is configured (inbox.authserv_id): no header is trusted",
        )
    header = choose_header(mail.headers(HEADER, limit=16384), authserv_id)
    if header is None:
        return AuthVerdict(AuthResult.NONE, f"no {HEADER} from {authserv_id.strip()}")
    return evaluate(header, mail.from_email)
