"""Builders for the policy tests: events, readings and facts made in memory.

No database and no mail server: a ``Facts`` is assembled field by field exactly as
``gather_facts`` would hand it to the chain, from a small directory of focal points
(the one in ``tests/data/directory/focal-points.csv``) and from event files — the real
``rules/events/cb-forum-2025.toml``, the quota variant in ``tests/data/rules/quota``, or
one written to a temporary folder with some of its keys changed.
"""

import json
from datetime import UTC, date, datetime
from pathlib import Path

from bot.message.authres import AuthVerdict
from bot.policy.events import Event, load_events
from bot.policy.facts import ExistingParticipant, Facts, PolicySettings, Role
from bot.reading.analysis import Analysis, Nominee
from bot.vocab import ACTIVE_STATUSES, AuthResult, Kind, ParticipantStatus

ROOT = Path(__file__).resolve().parents[3]
RULES_DIR = ROOT / "rules"
QUOTA_RULES_DIR = ROOT / "tests" / "data" / "rules" / "quota"
FORUM = "cb-forum-2025"

# Focal points of the test directory.
KIPRONO = "s.kiprono@environment.go.ke"  # KE CPB-FP1
WAMBUI = "e.wambui@environment.go.ke"  # KE CBD-FP1 (Kenya has its CPB focal point)
WANJIRU = "g.wanjiru@biosafetykenya.go.ke"  # KE BCH-FP, not a nominating role
NDIAYE = "aminata.ndiaye@environnement.gouv.sn"  # SN CPB-FP1
RUIZ = "aruiz@semarnat.gob.mx"  # MX CPB-FP1
QUISPE = "rquispe@minam.gob.pe"  # PE CPB-FP2
ASANTE = "k.asante@epa.gov.gh"  # GH CBD-FP1 (Ghana has no CPB focal point)
BERGER = "helena.berger@iucn.org"  # ORG:iucn ORG-HEAD
CARLING = "joan.carling@tebtebba.org"  # ORG:tebtebba IPLC
STRANGER = "danielmutua1984@gmail.com"  # in no directory

DIRECTORY: dict[str, list[Role]] = {
    KIPRONO: [Role("KE", "CPB-FP1", "Samuel Kiprono", "en")],
    WAMBUI: [Role("KE", "CBD-FP1", "Esther Wambui", "en")],
    WANJIRU: [Role("KE", "BCH-FP", "Grace Wanjiru", "en")],
    NDIAYE: [Role("SN", "CPB-FP1", "Aminata Ndiaye", "fr")],
    RUIZ: [Role("MX", "CPB-FP1", "Alejandro Ruiz Torres", "es")],
    QUISPE: [Role("PE", "CPB-FP2", "Rosa Quispe Mamani", "es")],
    ASANTE: [Role("GH", "CBD-FP1", "Kwame Asante", "en")],
    BERGER: [Role("ORG:iucn", "ORG-HEAD", "Helena Berger", "en")],
    CARLING: [Role("ORG:tebtebba", "IPLC", "Joan Carling", "en")],
}

# Nominees.
MWANGI = "jane.mwangi@biosafetykenya.go.ke"
OTIENO = "p.otieno@kephis.go.ke"
ACHIENG = "lucy.achieng@biosafetykenya.go.ke"
MUTISO = "j.mutiso@kalro.go.ke"
HERNANDEZ = "lhernandez@cibiogem.gob.mx"
CASTILLO = "jorge.castillo@semarnat.gob.mx"
MARTINEZ = "amartinez@conabio.gob.mx"
LOPEZ = "r.lopez@inecc.gob.mx"

# Receipt times (the server's), well before the forum's deadline.
ON_TIME = datetime(2025, 7, 9, 14, 2, 11, tzinfo=UTC)

PASSED = AuthVerdict(AuthResult.PASS, "dmarc=pass compauth=- dkim_aligned=True")
FAILED = AuthVerdict(AuthResult.FAIL, "dmarc=fail")
UNVERIFIED = AuthVerdict(AuthResult.NONE, "no decisive result")


# Events ------------------------------------------------------------------------------


def forum_event() -> Event:
    """``rules/events/cb-forum-2025.toml``: Toronto deadline 2025-07-11 23:59:59, no quota."""
    return _only(load_events(RULES_DIR), FORUM)


def quota_event() -> Event:
    """The same call for nominations with at most two participants per government."""
    return _only(load_events(QUOTA_RULES_DIR), FORUM)


FORUM_KEYS: dict[str, object] = {
    "slug": FORUM,
    "name": "Online Forum on Capacity-building for Biosafety",
    "references": ["SCBD/CPU/WM/UN/92214", "2025-055"],
    "notification_date": date(2025, 6, 27),
    "deadline": datetime(2025, 7, 11, 23, 59, 59),
    "timezone": "America/Toronto",
    "starts": date(2025, 7, 14),
    "ends": date(2025, 7, 18),
    "language": "en",
    "nominating_roles": ["CPB-FP1", "CPB-FP2", "ORG-HEAD", "IPLC"],
    "fallback_roles": ["CBD-FP1", "CBD-FP2"],
    "match": ["Online Forum", "capacity-building"],
    "max_per_government": 0,
}


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date | datetime):  # TOML local date / local date-time
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value))


def write_event(rules_dir: Path, **changes: object) -> Event:
    """Write ``rules_dir/events/<slug>.toml`` — the forum's keys with ``changes`` (a key
    set to None is left out) — and load it as the bot does, through ``load_events``."""
    keys = {**FORUM_KEYS, **changes}
    lines = [f"{key} = {_toml(value)}" for key, value in keys.items() if value is not None]
    folder = rules_dir / "events"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{keys['slug']}.toml").write_text(
        "[event]\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    return _only(load_events(rules_dir), str(keys["slug"]))


def _only(events: list[Event], slug: str) -> Event:
    (event,) = [e for e in events if e.slug == slug]
    return event


# Readings ----------------------------------------------------------------------------


def nominee(email: str | None, name: str | None = None, country: str | None = None) -> Nominee:
    return Nominee(name, email, None, None, country, "body")


def analysis(
    *people: str | Nominee,
    kind: str = Kind.NOMINATION,
    from_email: str = KIPRONO,
    withdrawn: tuple[str, ...] | list[str] = (),
    event: str | None = FORUM,
    robot_reason: str = "",
    route_reason: str = "",
) -> Analysis:
    """A reading of one message; each of ``people`` is an address or a ``Nominee``."""
    return Analysis(
        message_id="<test@policy>",
        from_name="",
        from_email=from_email,
        subject="Nomination",
        language="en",
        kind=kind,
        event=event,
        participants=[p if isinstance(p, Nominee) else nominee(p) for p in people],
        withdrawn=list(withdrawn),
        bounced=[],
        warnings=[],
        robot_reason=robot_reason,
        route_reason=route_reason,
    )


# Facts -------------------------------------------------------------------------------


def registered(
    email: str,
    status: ParticipantStatus = ParticipantStatus.CONFIRMED,
    government: str | None = "KE",
    nominated_by: str | None = KIPRONO,
) -> ExistingParticipant:
    """What the database holds for an address of the event."""
    return ExistingParticipant(email, status, government, nominated_by)


def facts(
    reading: Analysis,
    event: Event | None,
    *,
    received_at: datetime = ON_TIME,
    auth: AuthVerdict = PASSED,
    require_auth_header: bool = False,
    daily_reply_cap: int = 10,
    roles: list[Role] | None = None,
    blocking: set[str] | frozenset[str] = frozenset(),
    existing: tuple[ExistingParticipant, ...] | list[ExistingParticipant] = (),
    active: dict[str, int] | None = None,
    replies_today: int = 0,
) -> Facts:
    """The facts of one message.

    ``roles`` defaults to the sender's roles in ``DIRECTORY``; ``blocking`` names the
    governments whose fallback roles may not nominate; ``active`` (the active
    participants per government) defaults to a count of the active ``existing`` rows.
    """
    rows = {row.email: row for row in existing}
    if active is None:
        active = {}
        for row in rows.values():
            if row.government and row.status in ACTIVE_STATUSES:
                active[row.government] = active.get(row.government, 0) + 1
    return Facts(
        analysis=reading,
        event=event,
        received_at=received_at,
        auth=auth,
        settings=PolicySettings(require_auth_header, daily_reply_cap),
        sender_roles=list(DIRECTORY.get(reading.from_email, []) if roles is None else roles),
        governments_blocking_fallback=set(blocking),
        existing=rows,
        active_per_government=dict(active),
        replies_today=replies_today,
    )
