"""Acceptance of the rules: one realistic message per scenario, through the real bot.

Every test drives ``nombot`` (``python -m bot``) on the embedded configuration — a
Maildir inbox, a Maildir outbox and a database — exactly as a cron job would:
``directory import``, ``inbox append --received`` (the receipt time, i.e. the IMAP
INTERNALDATE), ``poll``, then reads ``messages --format json``, ``participants --format
json``, the outgoing Maildir and where the incoming message was filed.

The messages are in ``tests/data/rules/``; so are the event files of the scenarios that
need their own (a quota, two open calls for nominations).
"""

import difflib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from bot.store.models import OutboxMail
from tests.conftest import DATA, ROOT, Bot, bot_env, write_config

MESSAGES = DATA / "rules"
DIRECTORY = DATA / "directory" / "focal-points.csv"
FORUM = "cb-forum-2025"
WORKSHOP = "ra-workshop-2025"
PROCESSED = "Nominations-Processed"
REVIEW = "Nominations-Review"

# Receipt times (the server's, not the Date header), in Montreal time.
ON_TIME = "2025-07-09T10:02:11-04:00"
ONE_SECOND_LATE = "2025-07-12T00:00:00-04:00"  # deadline 2025-07-11T23:59:59 America/Toronto
EVENING_OF_DEADLINE = "2025-07-11T23:10:00-04:00"  # 03:10 UTC on 12 July

KIPRONO = "s.kiprono@environment.go.ke"  # KE CPB-FP1
MWANGI = "jane.mwangi@biosafetykenya.go.ke"
OTIENO = "p.otieno@kephis.go.ke"


def message_id_of(name: str) -> str:
    raw = (MESSAGES / name).read_bytes()
    return message_from_bytes(raw, policy=policy.default)["Message-ID"].strip()


def subject_of(name: str) -> str:
    raw = (MESSAGES / name).read_bytes()
    return str(message_from_bytes(raw, policy=policy.default)["Subject"])


def header(mail: EmailMessage, name: str) -> str:
    """A header's value; Python folds a long one as ``Name:<CRLF> value``, so strip."""
    return str(mail[name] or "").strip()


def state(row: dict) -> tuple[str, list[str]]:
    """A participant's status and flags."""
    return row["status"], row["flags"]


def body_of(mail: EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


@dataclass
class Desk:
    """The secretariat's desk for one test: one bot, its inbox, outbox and database."""

    bot: Bot
    root: Path
    database: str

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def deliver(self, name: str, received: str) -> Path:
        """``nombot inbox append`` with the server's receipt time; returns the file."""
        result = self.bot.run("inbox", "append", str(MESSAGES / name), "--received", received)
        match = re.search(r"-> (\S+)\s*$", result.stdout.strip())
        assert match, result.stdout
        return Path(match.group(1))

    def poll(self) -> str:
        return self.bot.run("poll").stdout

    def messages(self) -> list[dict]:
        return json.loads(self.bot.run("messages", "--format", "json").stdout)

    def message(self, name: str) -> dict:
        wanted = message_id_of(name)
        rows = [m for m in self.messages() if m["message_id"] == wanted]
        assert len(rows) == 1, f"{name}: {len(rows)} rows in `nombot messages` for {wanted}"
        return rows[0]

    def participants(self, *args: str) -> dict[str, dict]:
        rows = json.loads(self.bot.run("participants", "--format", "json", *args).stdout)
        by_email = {r["email"]: r for r in rows}
        assert len(by_email) == len(rows), f"one participant per address: {rows}"
        return by_email

    def sent(self) -> list[EmailMessage]:
        """Every mail the bot has sent (written to the outgoing Maildir)."""
        files = [f for sub in ("new", "cur") for f in sorted((self.outbox / sub).glob("*"))]
        return [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]

    def replies(self, to: str | None = None) -> list[EmailMessage]:
        """Automatic replies to incoming mail (``Auto-Submitted: auto-replied``)."""
        return [
            m
            for m in self.sent()
            if m["Auto-Submitted"] == "auto-replied" and (to is None or to in str(m["To"]))
        ]

    def notices(self) -> list[EmailMessage]:
        """Mail the bot wrote on its own (``auto-generated``), e.g. to new participants."""
        return [m for m in self.sent() if m["Auto-Submitted"] == "auto-generated"]

    def outbox_rows(self) -> list[tuple[str, str, str]]:
        """(template, recipient, status) of every mail the bot ever queued, sent or not."""
        engine = create_engine(self.database)
        try:
            with Session(engine) as session:
                rows = session.exec(select(OutboxMail)).all()
                return [(r.template, r.to_email, r.status) for r in rows]
        finally:
            engine.dispose()

    def folder(self, name: str | None = None) -> list[str]:
        """File names in the inbox (``None``) or in one of its Maildir++ sub-folders."""
        base = self.inbox if name is None else self.inbox / f".{name}"
        return sorted(f.name for sub in ("new", "cur") for f in (base / sub).glob("*"))

    def filed_in(self, delivered: Path) -> str | None:
        """Where a delivered message is now: ``INBOX``, a folder name, or None if lost."""
        key = delivered.name.split(":", 1)[0]
        for folder in (None, PROCESSED, REVIEW):
            if any(n.split(":", 1)[0] == key for n in self.folder(folder)):
                return folder or "INBOX"
        return None


DeskFactory = Callable[..., Desk]


@pytest.fixture
def make_desk(tmp_path) -> DeskFactory:
    """Build a configured bot with the test directory imported.

    ``rules`` is a rules_dir (default: a copy of the project's ``rules/``), ``database`` a
    SQLAlchemy URL (default: a SQLite file of its own).
    """
    made = 0

    def make(rules: Path | None = None, database: str | None = None) -> Desk:
        nonlocal made
        made += 1
        root = tmp_path / f"desk{made}"
        root.mkdir()
        database = database or f"sqlite:///{root / 'nombot.db'}"
        if rules is None:
            rules = root / "rules"
            shutil.copytree(ROOT / "rules", rules)
        config = write_config(
            root / "config.toml",
            {
                "": {"rules_dir": str(rules), "templates_dir": str(ROOT / "templates")},
                "inbox": {"url": f"maildir:{root / 'inbox'}", "authserv_id": "mx.cbd.int"},
                "outbox": {
                    "url": f"maildir:{root / 'outbox'}",
                    "from": "CBD Secretariat <nominations@cbd.int>",
                    "reply_to": "secretariat@cbd.int",
                },
                "database": {"url": database},
                "policy": {
                    "secretariat_domains": ["cbd.int"],
                    "secretariat_addresses": ["secretariat@cbd.int"],
                },
            },
        )
        bot = Bot(config, bot_env())
        bot.run("directory", "import", str(DIRECTORY))
        return Desk(bot, root, database)

    return make


@pytest.fixture
def desk(make_desk, rules_dir, database_url) -> Desk:
    """The project's rules on SQLite and on PostgreSQL."""
    return make_desk(rules_dir, database_url)


def assert_threaded_reply(desk: Desk, name: str, to: str) -> EmailMessage:
    """Exactly one automatic reply to ``to``, threaded to the message ``name``."""
    replies = desk.replies(to)
    assert len(replies) == 1, f"expected one reply to {to}, got {len(replies)}"
    [reply] = replies
    message_id = message_id_of(name)
    assert header(reply, "In-Reply-To") == message_id
    assert message_id in reply["References"]
    subject = subject_of(name)
    expected = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    assert header(reply, "Subject") == expected  # the original kept, one "Re:"
    assert reply["Message-ID"].endswith("@cbd.int>")
    return reply


# 1. ------------------------------------------------------------------------------------


def test_cpb_focal_point_on_time_is_accepted(desk):
    name = "01-cpb-focal-point-on-time.eml"
    delivered = desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "accepted"
    assert message["kind"] == "nomination"
    assert message["event"] == FORUM
    assert message["from"] == KIPRONO
    assert message["replies"] == ["confirmation"]
    people = desk.participants()
    assert set(people) == {MWANGI, OTIENO}
    for row in people.values():
        assert state(row) == ("confirmed", [])
        assert row["event"] == FORUM
        assert row["nominated_by"] == KIPRONO
    reply = assert_threaded_reply(desk, name, KIPRONO)
    assert MWANGI in body_of(reply) and OTIENO in body_of(reply)
    assert len(desk.replies()) == 1
    assert sorted(m["To"].addresses[0].addr_spec for m in desk.notices()) == [MWANGI, OTIENO]
    assert desk.filed_in(delivered) == PROCESSED
    rows = desk.outbox_rows()
    assert len(rows) == 3 and {status for _, _, status in rows} == {"sent"}


# 2-3. The deadline is judged on the receipt time, in the event's time zone. -------------


def test_one_second_after_the_deadline_is_late(desk):
    # The sender's Date header (06:58:31 +0300 = 23:58:31 Montreal) is before the
    # deadline; the server received the message at 00:00:00 Montreal time.
    name = "02-one-second-after-deadline.eml"
    delivered = desk.deliver(name, ONE_SECOND_LATE)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "late"
    assert message["received_at"] == "2025-07-12T04:00:00+00:00"
    assert message["replies"] == ["late"]
    people = desk.participants()
    assert set(people) == {"mchebet@kephis.go.ke"}
    assert state(people["mchebet@kephis.go.ke"]) == ("pending", ["late"])
    reply = assert_threaded_reply(desk, name, KIPRONO)
    assert "after the deadline" in body_of(reply)
    assert len(desk.sent()) == 1  # nobody is told they are registered
    assert desk.filed_in(delivered) == REVIEW


def test_2310_montreal_time_on_deadline_day_is_on_time(desk):
    # 23:10 in Montreal on 11 July is 03:10 UTC on 12 July: still on time.
    name = "03-peru-late-evening-deadline-day.eml"
    delivered = desk.deliver(name, EVENING_OF_DEADLINE)

    desk.poll()

    message = desk.message(name)
    assert message["received_at"] == "2025-07-12T03:10:00+00:00"
    assert message["outcome"] == "accepted"
    assert message["replies"] == ["confirmation"]
    people = desk.participants()
    assert set(people) == {"lhuaman@minam.gob.pe"}
    assert state(people["lhuaman@minam.gob.pe"]) == ("confirmed", [])
    assert_threaded_reply(desk, name, "rquispe@minam.gob.pe")
    assert desk.filed_in(delivered) == PROCESSED


@pytest.mark.parametrize(
    ("received", "outcome"),
    [
        ("2025-07-11T23:59:59-04:00", "accepted"),  # the deadline itself
        ("2025-07-12T03:59:59+00:00", "accepted"),  # the same instant written in UTC
        ("2025-07-12T00:00:00-04:00", "late"),
        ("2025-07-12T04:00:00+00:00", "late"),
    ],
)
def test_deadline_boundary_by_receipt_time(make_desk, received, outcome):
    desk = make_desk()
    desk.deliver("01-cpb-focal-point-on-time.eml", received)

    desk.poll()

    assert desk.message("01-cpb-focal-point-on-time.eml")["outcome"] == outcome
    expected = ("confirmed", []) if outcome == "accepted" else ("pending", ["late"])
    assert {(r["status"], tuple(r["flags"])) for r in desk.participants().values()} == {
        (expected[0], tuple(expected[1]))
    }


# 4-8. Who may nominate. ------------------------------------------------------------------


def test_cbd_focal_point_where_a_cpb_focal_point_exists_is_unauthorized(desk):
    name = "04-cbd-focal-point-kenya.eml"  # KE CBD-FP1; Kenya has a CPB-FP1
    delivered = desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "unauthorized"
    assert message["replies"] == ["unauthorized"]
    people = desk.participants()
    assert set(people) == {"d.kiptoo@kws.go.ke"}
    assert state(people["d.kiptoo@kws.go.ke"]) == ("pending", ["unauthorized_sender"])
    reply = assert_threaded_reply(desk, name, "e.wambui@environment.go.ke")
    text = " ".join(body_of(reply).split())
    assert "made by the Cartagena Protocol national focal points" in text
    assert "forward" in text
    assert len(desk.sent()) == 1
    assert desk.filed_in(delivered) == REVIEW


def test_cbd_focal_point_of_a_government_without_cpb_focal_point_is_accepted(desk):
    name = "05-cbd-focal-point-ghana.eml"  # GH CBD-FP1; Ghana has no CPB focal point
    desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "accepted"
    assert message["replies"] == ["confirmation"]
    people = desk.participants()
    assert set(people) == {"abena.ofori@epa.gov.gh"}
    assert state(people["abena.ofori@epa.gov.gh"]) == ("confirmed", [])
    assert_threaded_reply(desk, name, "k.asante@epa.gov.gh")


def test_bch_focal_point_is_unauthorized(desk):
    name = "06-bch-focal-point.eml"  # KE BCH-FP: only copied on the notification
    desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "unauthorized"
    assert message["replies"] == ["unauthorized"]
    people = desk.participants()
    assert set(people) == {"n.wekesa@biosafetykenya.go.ke"}
    assert state(people["n.wekesa@biosafetykenya.go.ke"]) == ("pending", ["unauthorized_sender"])
    assert_threaded_reply(desk, name, "g.wanjiru@biosafetykenya.go.ke")


@pytest.mark.parametrize(
    ("name", "sender", "nominee"),
    [
        ("07a-organization-head-iucn.eml", "helena.berger@iucn.org", "thomas.keller@iucn.org"),
        ("07b-iplc-tebtebba.eml", "joan.carling@tebtebba.org", "grace.balawag@tebtebba.org"),
    ],
    ids=["ORG-HEAD", "IPLC"],
)
def test_organization_head_and_iplc_are_accepted(desk, name, sender, nominee):
    desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "accepted"
    assert message["replies"] == ["confirmation"]
    people = desk.participants()
    assert set(people) == {nominee}
    assert state(people[nominee]) == ("confirmed", [])
    assert people[nominee]["nominated_by"] == sender
    assert_threaded_reply(desk, name, sender)


def test_unknown_personal_address_is_unauthorized(desk):
    name = "08-personal-gmail-address.eml"
    delivered = desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "unauthorized"
    assert message["replies"] == ["unauthorized"]
    people = desk.participants()
    assert set(people) == {"faith.njeri@uonbi.ac.ke"}
    assert state(people["faith.njeri@uonbi.ac.ke"]) == ("pending", ["unauthorized_sender"])
    assert_threaded_reply(desk, name, "danielmutua1984@gmail.com")
    assert desk.notices() == []
    assert desk.filed_in(delivered) == REVIEW


# 9. A forged focal-point address. ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "nominees"),
    [
        (
            "09a-forged-focal-point-dmarc-fail.eml",
            {"briankamau.consult@gmail.com", "kevin.odhiambo77@yahoo.com"},
        ),
        # A forged lower Authentication-Results says pass; the topmost, written by
        # mx.cbd.int, says fail.
        ("09b-forged-lower-authentication-results.eml", {"sharon.auma.biotech@outlook.com"}),
    ],
    ids=["dmarc-fail", "forged-lower-pass"],
)
def test_forged_focal_point_is_held_and_never_answered(desk, name, nominees):
    delivered = desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "held"
    assert message["replies"] == []
    assert desk.sent() == []  # nothing to the forged address, its Reply-To or the nominees
    assert desk.outbox_rows() == []  # …and nothing waiting to be sent either
    people = desk.participants()
    assert set(people) == nominees
    for row in people.values():
        assert state(row) == ("pending", ["auth_failed"])
    assert desk.filed_in(delivered) == REVIEW


# 10-12. Later messages about the same nominees. ------------------------------------------


def test_withdrawal_by_the_same_focal_point(desk):
    desk.deliver("01-cpb-focal-point-on-time.eml", ON_TIME)
    desk.poll()
    name = "10-withdrawal.eml"
    delivered = desk.deliver(name, "2025-07-10T08:15:02-04:00")

    desk.poll()

    message = desk.message(name)
    assert message["kind"] == "withdrawal"
    assert message["outcome"] == "accepted"
    assert message["replies"] == ["withdrawal"]
    people = desk.participants()
    assert set(people) == {MWANGI, OTIENO}
    assert people[OTIENO]["status"] == "withdrawn"
    assert people[MWANGI]["status"] == "confirmed"
    replies = desk.replies(KIPRONO)
    assert len(replies) == 2
    [reply] = [r for r in replies if header(r, "In-Reply-To") == message_id_of(name)]
    assert OTIENO in body_of(reply)
    assert desk.filed_in(delivered) == PROCESSED


def test_replacement_withdraws_one_and_registers_the_other(desk):
    desk.deliver("01-cpb-focal-point-on-time.eml", ON_TIME)
    desk.poll()
    name = "11-replacement.eml"
    desk.deliver(name, "2025-07-10T09:41:37-04:00")

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "accepted"
    assert message["replies"] == ["confirmation"]
    people = desk.participants()
    achieng = "lucy.achieng@biosafetykenya.go.ke"
    assert set(people) == {MWANGI, OTIENO, achieng}
    assert people[MWANGI]["status"] == "withdrawn"
    assert state(people[achieng]) == ("confirmed", [])
    assert people[achieng]["nominated_by"] == KIPRONO
    assert people[OTIENO]["status"] == "confirmed"
    [reply] = [r for r in desk.replies(KIPRONO) if header(r, "In-Reply-To") == message_id_of(name)]
    assert achieng in body_of(reply) and MWANGI in body_of(reply)


def test_same_nominees_sent_twice_are_registered_once(desk):
    desk.deliver("01-cpb-focal-point-on-time.eml", ON_TIME)
    desk.poll()
    first = desk.participants()
    name = "12-same-nominees-sent-again.eml"
    desk.deliver(name, "2025-07-10T10:55:20-04:00")

    desk.poll()

    assert desk.message("01-cpb-focal-point-on-time.eml")["outcome"] == "accepted"
    message = desk.message(name)
    assert message["outcome"] == "duplicate"
    assert message["replies"] == ["duplicate"]
    people = desk.participants()
    assert set(people) == {MWANGI, OTIENO}
    assert {e: state(r) for e, r in people.items()} == {
        MWANGI: ("confirmed", []),
        OTIENO: ("confirmed", []),
    }
    assert people == first  # nothing doubled, nothing re-dated
    [reply] = [r for r in desk.replies(KIPRONO) if header(r, "In-Reply-To") == message_id_of(name)]
    assert "already registered" in body_of(reply)
    assert len(desk.replies()) == 2
    assert len(desk.notices()) == 2  # each nominee told once, not twice


# 13. A limit per government. -------------------------------------------------------------


def test_nominees_beyond_the_quota_are_held(make_desk, database_url):
    desk = make_desk(MESSAGES / "quota", database_url)  # max_per_government = 2
    name = "13-three-nominees-quota-two.eml"
    desk.deliver(name, ON_TIME)

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "accepted"
    assert message["replies"] == ["confirmation"]
    people = desk.participants()
    assert {e: state(r) for e, r in people.items()} == {
        "lhernandez@cibiogem.gob.mx": ("confirmed", []),
        "jorge.castillo@semarnat.gob.mx": ("confirmed", []),
        "amartinez@conabio.gob.mx": ("pending", ["over_quota"]),
    }
    reply = assert_threaded_reply(desk, name, "aruiz@semarnat.gob.mx")
    assert "amartinez@conabio.gob.mx" in body_of(reply)


# 14. Two calls for nominations open at once. --------------------------------------------


def test_two_open_events_each_message_goes_to_its_own(make_desk, database_url):
    desk = make_desk(MESSAGES / "two-events", database_url)
    forum, workshop = (
        "14a-two-events-forum-by-keywords.eml",
        "14b-two-events-risk-assessment-by-keywords.eml",
    )
    desk.deliver(forum, "2025-07-10T14:08:51-04:00")
    desk.deliver(workshop, "2025-07-10T15:30:26-04:00")

    desk.poll()

    assert (desk.message(forum)["event"], desk.message(forum)["outcome"]) == (FORUM, "accepted")
    assert (desk.message(workshop)["event"], desk.message(workshop)["outcome"]) == (
        WORKSHOP,
        "accepted",
    )
    people = desk.participants()
    assert {e: (r["event"], r["status"]) for e, r in people.items()} == {
        "j.mutiso@kalro.go.ke": (FORUM, "confirmed"),
        "ibrahima.sarr@anb.gouv.sn": (WORKSHOP, "confirmed"),
    }
    assert set(desk.participants("--event", WORKSHOP)) == {"ibrahima.sarr@anb.gouv.sn"}
    assert_threaded_reply(desk, forum, KIPRONO)
    assert_threaded_reply(desk, workshop, "aminata.ndiaye@environnement.gouv.sn")


# 15. Another notification's nomination is not the bot's. ---------------------------------


def test_nomination_citing_a_third_notification_stays_in_the_inbox(desk):
    name = "15-cites-third-notification.eml"  # SCBD/SSSF/AS/ML/92455, "online forum"
    delivered = desk.deliver(name, ON_TIME)
    before = delivered.read_bytes()

    desk.poll()

    message = desk.message(name)
    assert message["outcome"] == "ignored"
    assert message["event"] is None
    assert message["replies"] == []
    assert desk.participants() == {}
    assert desk.sent() == []
    assert desk.outbox_rows() == []
    assert desk.filed_in(delivered) == "INBOX"
    assert delivered.exists() and delivered.read_bytes() == before  # untouched, still new
    assert desk.folder(PROCESSED) == [] and desk.folder(REVIEW) == []


# Acceptance point 4: the rules are data. ----------------------------------------------


def _edit(rules: Path, old: str, new: str) -> None:
    path = rules / "events" / f"{FORUM}.toml"
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new))


EDITS = {
    "deadline moved a day": (
        "02-one-second-after-deadline.eml",
        ONE_SECOND_LATE,
        "deadline = 2025-07-11T23:59:59",
        "deadline = 2025-07-12T23:59:59",
        ("late", ["late"]),
        ("accepted", []),
    ),
    "CPB-FP1 no longer nominates": (
        "01-cpb-focal-point-on-time.eml",
        ON_TIME,
        'nominating_roles = ["CPB-FP1", "CPB-FP2", "ORG-HEAD", "IPLC"]',
        'nominating_roles = ["CPB-FP2", "ORG-HEAD", "IPLC"]',
        ("accepted", []),
        ("unauthorized", ["unauthorized_sender"]),
    ),
    "no fallback roles": (
        "05-cbd-focal-point-ghana.eml",
        ON_TIME,
        'fallback_roles = ["CBD-FP1", "CBD-FP2"]',
        "fallback_roles = []",
        ("accepted", []),
        ("unauthorized", ["unauthorized_sender"]),
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_rules_are_data_a_toml_edit_changes_the_outcome(make_desk, tmp_path, edit):
    name, received, old, new, before, after = EDITS[edit]
    project = ROOT / "rules" / "events" / f"{FORUM}.toml"
    edited = tmp_path / "edited-rules"
    shutil.copytree(ROOT / "rules", edited)
    _edit(edited, old, new)
    changed = [
        line
        for line in difflib.unified_diff(
            project.read_text().splitlines(),
            (edited / "events" / f"{FORUM}.toml").read_text().splitlines(),
            lineterm="",
            n=0,
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 2, changed  # one line of one TOML file, nothing else
    assert changed[0].startswith(f"-{old}") and changed[1].startswith(f"+{new}")

    for rules, (outcome, flags) in ((None, before), (edited, after)):
        desk = make_desk(rules)
        desk.deliver(name, received)
        desk.poll()
        which = "edited" if rules else "as shipped"
        assert desk.message(name)["outcome"] == outcome, f"rules {which}"
        people = desk.participants()
        assert people, "the nominees are recorded either way"
        for row in people.values():
            assert row["flags"] == flags
            assert row["status"] == ("confirmed" if outcome == "accepted" else "pending")
        expected_reply = {"accepted": "confirmation"}.get(outcome, outcome)
        assert desk.message(name)["replies"] == [expected_reply]
