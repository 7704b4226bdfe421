"""Delivery reports: only a report correlated with mail we sent — by the Message-ID it cites
or by the VERP return path it came back to — marks a participant undeliverable."""

import re
from email.message import EmailMessage

from sqlmodel import Session, select

from bot.app import build_services
from bot.config import load_config
from bot.notify.outbox.flush import flush_outbox
from bot.staff.digest import build_digest
from bot.store.db import open_database
from bot.store.models import InboundMessage, OutboxMail
from bot.vocab import ReasonCode
from tests.conftest import DATA, ROOT, Bot, write_config
from tests.notify.test_flush import _queue

E2E = DATA / "e2e"
PIPELINE = DATA / "pipeline"
JANE = "jane.mwangi@biosafetykenya.go.ke"
NOMINATOR = "s.kiprono@environment.go.ke"
CITED_IN_FIXTURE = b"<175206990012.1234.5678.nombot@cbd.int>"  # in bounce-jane.eml
FIXTURE_TOKEN = b"0" * 32  # in bounce-jane-verp.eml
VERP = re.compile(r"<bounces\+([0-9a-f]{32})@cbd\.int>")


def _nominate_jane(bot: Bot) -> list[EmailMessage]:
    bot.run("inbox", "append", str(E2E / "kenya.eml"))
    bot.run("poll")
    return bot.outbox()


def _mail_to(sent: list[EmailMessage], address: str) -> EmailMessage:
    [mail] = [m for m in sent if address in str(m["To"])]
    return mail


def _deliver(bot: Bot, raw: bytes, name: str, own_id: bytes | None = None) -> None:
    """Put a report in the inbox, under a Message-ID of its own when given one."""
    if own_id is not None:
        raw = re.sub(rb"(?m)^Message-ID: <[^>]+>", b"Message-ID: " + own_id, raw, count=1)
    path = bot.config.parent / name
    path.write_bytes(raw)
    bot.run("inbox", "append", str(path))
    bot.run("poll")


def _reason_codes(bot: Bot) -> list[list[str]]:
    engine = open_database(load_config(bot.config).database_url)
    with Session(engine) as session:
        rows = session.exec(select(InboundMessage).order_by(InboundMessage.id)).all()
        return [[r["code"] for r in row.reasons if isinstance(r, dict)] for row in rows]


def _with_bounce_address(bot: Bot) -> None:
    text = bot.config.read_text()
    key = 'bounce_address = "bounces@cbd.int"'
    bot.config.write_text(text.replace("[outbox]\n", f"[outbox]\n{key}\n"))


def test_a_bounce_marks_the_participant_and_tells_the_nominator(maildir_bot):
    bot = maildir_bot
    sent = _nominate_jane(bot)
    ours = str(_mail_to(sent, JANE)["Message-ID"]).encode()
    real = (PIPELINE / "bounce-jane.eml").read_bytes().replace(CITED_IN_FIXTURE, ours)

    _deliver(bot, real, "bounce.eml")

    jane = bot.participants()[JANE]
    assert "undeliverable" in jane["flags"] and jane["status"] == "confirmed"
    new = bot.outbox()[len(sent) :]
    assert [str(m["To"]) for m in new] == [NOMINATOR]
    assert "could not be delivered" in new[0].get_body(("plain",)).get_content()
    assert new[0]["Auto-Submitted"] == "auto-generated"
    bounce = bot.messages()[-1]
    assert (bounce["kind"], bounce["outcome"], bounce["replies"]) == ("bounce", "ignored", [])
    assert ReasonCode.BOUNCED in _reason_codes(bot)[-1]
    processed = bot.config.parent / "inbox" / ".Nominations-Processed" / "cur"
    assert len(list(processed.iterdir())) == 2

    _deliver(bot, real, "second-bounce.eml", own_id=b"<20250710090000.11AA22BB3@mx>")
    assert len(bot.outbox()) == len(sent) + 1  # a second bounce tells nobody twice


def test_a_bounce_about_an_address_never_mailed_changes_nothing(maildir_bot):
    bot = maildir_bot
    bot.run("inbox", "append", str(ROOT / "examples" / "inbox" / "04-peru-late.eml"))
    bot.run("poll")  # ctello@inia.gob.pe is pending (late): the bot has not written to her
    before = len(bot.outbox())
    bot.run("inbox", "append", str(PIPELINE / "bounce-for-an-address-never-mailed.eml"))

    bot.run("poll")

    assert bot.participants()["ctello@inia.gob.pe"]["flags"] == ["late"]
    assert len(bot.outbox()) == before  # no bounce notice to the focal point
    assert bot.messages()[-1]["kind"] == "bounce"
    assert ReasonCode.UNMATCHED_BOUNCE in _reason_codes(bot)[-1]


def test_a_forged_bounce_about_a_confirmed_participant_changes_nothing(maildir_bot):
    """Naming Jane, carrying our loop stamp, even citing the reply her nominator got: none
    of it is a mail we sent to Jane, so she stays deliverable and nobody is told."""
    bot = maildir_bot
    sent = _nominate_jane(bot)
    forged = (PIPELINE / "bounce-jane.eml").read_bytes()
    reply_id = str(_mail_to(sent, NOMINATOR)["Message-ID"]).encode()

    _deliver(bot, forged, "forged.eml")
    _deliver(bot, forged.replace(CITED_IN_FIXTURE, reply_id), "forged-2.eml", b"<forged-2@mx>")

    assert bot.participants()[JANE]["flags"] == []
    assert len(bot.outbox()) == len(sent)
    bounces = bot.messages()[-2:]
    assert [(m["kind"], m["outcome"]) for m in bounces] == [("bounce", "ignored")] * 2
    assert all(ReasonCode.UNMATCHED_BOUNCE in codes for codes in _reason_codes(bot)[-2:])
    digest = build_digest(build_services(load_config(bot.config)))
    assert [b["addresses"] for b in digest.unmatched_bounces] == [JANE, JANE]
    assert "Nominations digest" in bot.run("digest", "--print").stdout


def test_a_bounce_to_our_verp_address_is_matched_without_citing_anything(maildir_bot):
    bot = maildir_bot
    _with_bounce_address(bot)
    sent = _nominate_jane(bot)
    paths = [VERP.fullmatch(str(m["Return-Path"])) for m in sent]
    assert all(paths) and len({p.group(1) for p in paths}) == len(sent)  # one token each
    token = VERP.fullmatch(str(_mail_to(sent, JANE)["Return-Path"])).group(1).encode()
    report = (PIPELINE / "bounce-jane-verp.eml").read_bytes()
    assert CITED_IN_FIXTURE not in report and b"Message-ID: <" in report

    _deliver(bot, report, "guessed-token.eml")  # a token we never issued
    assert bot.participants()[JANE]["flags"] == []
    assert ReasonCode.UNMATCHED_BOUNCE in _reason_codes(bot)[-1]

    _deliver(bot, report.replace(FIXTURE_TOKEN, token), "verp.eml", b"<verp-2@mx.google.com>")

    assert "undeliverable" in bot.participants()[JANE]["flags"]
    new = bot.outbox()[len(sent) :]
    assert [str(m["To"]) for m in new] == [NOMINATOR]
    assert ReasonCode.BOUNCED in _reason_codes(bot)[-1]


def test_smtp_envelope_sender_is_the_verp_address_when_configured(tmp_path, database_url, smtp):
    for bounce_address in (None, "bounces@cbd.int"):
        folder = tmp_path / str(bounce_address)
        folder.mkdir()
        url = f"sqlite:///{folder / 'db.sqlite'}" if database_url.startswith("sqlite") else None
        outbox = {"url": f"smtp://127.0.0.1:{smtp.port}", "from": "nominations@cbd.int"}
        if bounce_address:
            outbox["bounce_address"] = bounce_address
        config = load_config(
            write_config(
                folder / "config.toml", {"outbox": outbox, "database": {"url": url or database_url}}
            )
        )
        engine = open_database(config.database_url)
        address = f"{'verp' if bounce_address else 'plain'}@example.org"
        _queue(engine, address)
        flush_outbox(engine, config)
        with Session(engine) as session:
            row = session.exec(select(OutboxMail).where(OutboxMail.to_email == address)).one()
        [captured] = smtp.to(address)
        verp = f"bounces+{row.bounce_token}@cbd.int"
        assert captured.sender == (verp if bounce_address else "nominations@cbd.int")
