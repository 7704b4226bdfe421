"""Nominations in French, Arabic and Chinese, from a real IMAP inbox: each focal point gets
one threaded reply in their own language (Dovecot in, aiosmtpd out)."""

import json
from datetime import UTC, datetime

from tests.conftest import DATA

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
LETTERS = {
    "senegal.eml": (
        "aminata.ndiaye@environnement.gouv.sn",
        "fr",
        "<e2e-senegal-1@environnement.gouv.sn>",
    ),
    "saudi.eml": ("m.alshehri@ncw.gov.sa", "ar", "<e2e-saudi-1@ncw.gov.sa>"),
    "china.eml": ("wangfang@mee.gov.cn", "zh", "<e2e-china-1@mee.gov.cn>"),
}
NOMINEES = {
    "moussa.diop@anb.gouv.sn": "fr",
    "n.alqahtani@ncw.gov.sa": "ar",
    "k.alotaibi@ncw.gov.sa": "ar",
    "liming@mee.gov.cn": "zh",
    "zhangwei@craes.org.cn": "zh",
}


def test_each_focal_point_is_answered_in_their_language(imap_bot, mailbox, smtp):
    imap_bot.run("directory", "import", "--force", str(DATA / "directory" / "un-languages.csv"))
    for name in LETTERS:
        mailbox.append((DATA / "e2e" / name).read_bytes(), ON_TIME)

    imap_bot.run("poll")

    rows = json.loads(imap_bot.run("participants", "--format", "json").stdout)
    assert {r["email"]: r["status"] for r in rows} == dict.fromkeys(NOMINEES, "confirmed")
    names = {r["email"]: r["name"] for r in rows}
    assert (
        names["liming@mee.gov.cn"] == "李明" and names["n.alqahtani@ncw.gov.sa"] == "نورة القحطاني"
    )
    replies = [m.message for m in smtp.messages if m.message["Auto-Submitted"] == "auto-replied"]
    assert len(replies) == 3
    for sender, language, message_id in LETTERS.values():
        [reply] = [m for m in replies if m["To"].endswith(f"<{sender}>") or m["To"] == sender]
        assert reply["Content-Language"] == language
        assert reply["In-Reply-To"] == message_id
        assert reply["Subject"].startswith("Re: ")
        body = reply.get_body(("plain",)).get_content()
        assert "Dear" not in body and "registered" not in body  # no English in the reply
    notices = [m.message for m in smtp.messages if m.message["Auto-Submitted"] == "auto-generated"]
    assert {m["Content-Language"] for m in notices} == {"fr", "ar", "zh"}
