"""Hostile mail cannot hurt: every message of ``hostile.CASES`` gets a recorded outcome
with its sender read, no recipient it injects, no crash and no retry loop; the archive
bombs are refused by their ratio and by their size; the whole set is read by one
``nombot poll`` within 300 MB of peak memory."""

import email
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from email import policy
from email.utils import getaddresses

import pytest
from sqlmodel import Session, select

from bot.config import LimitsConfig, load_config
from bot.inbox.deliver import deliver
from bot.message.detach import detach_large_parts, limit_containers
from bot.message.parse import SCANNED_IMAGE_TYPES, parse_mail
from bot.processing.ingest import ingest_once
from bot.reading import gathering
from bot.reading.attachments import read_attachment, read_xlsx
from bot.reading.files import TooLarge, Unreadable, check_zip
from bot.store.db import open_database
from bot.store.directory import import_entries, read_directory_file
from bot.store.models import InboundMessage, OutboxMail, Participant
from tests.conftest import DATA, bot_config, bot_env
from tests.processing import hostile
from tests.processing.support import maildir_services

ON_TIME = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
PEAK_LIMIT_MB = 300
_CONTROL = set(map(chr, range(32))) | {"\x7f"}
# Cases a PostgreSQL database is given too: text that SQLite stores and PostgreSQL refuses.
_BOTH_DATABASES = {"nul-bytes", "crlf-in-encoded-names", "crlf-in-html-name-cell"}


def _params() -> list:
    return list(_each_case())


def _each_case():
    for case in hostile.CASES:
        databases = ("sqlite", "postgresql") if case.name in _BOTH_DATABASES else ("sqlite",)
        for database in databases:
            yield pytest.param(case, database, id=f"{case.name}-{database}")


def _check_mail(data: bytes, allowed: set[str]) -> None:
    """One recipient, one of those allowed; no header that CR/LF could have made."""
    message = email.message_from_bytes(data, policy=policy.compat32)
    assert not message.get_all("Bcc") and not message.get_all("Cc")
    for name, value in message.items():
        unfolded = str(value).replace("\r\n ", " ").replace("\n ", " ").replace("\n\t", " ")
        assert "\r" not in unfolded and "\n" not in unfolded, name
    recipients = getaddresses(message.get_all("To", []))
    assert len(recipients) == 1 and recipients[0][1] in allowed
    for header in ("To", "Reply-To"):
        assert hostile.INTRUDER not in str(message.get(header, ""))


@pytest.mark.parametrize(("case", "database_url"), _params(), indirect=["database_url"])
def test_a_hostile_message_is_recorded_and_hurts_nothing(
    case, database_url, tmp_path, rules_dir, writer
):
    services = maildir_services(tmp_path, database_url, rules_dir, writer)
    deliver(services.config, case.build(), ON_TIME)

    report = ingest_once(services)

    assert report.fetched == 1 and "retrying" not in report.outcomes
    with Session(services.engine) as session:
        [row] = session.exec(select(InboundMessage)).all()
        people = {p.email: p.name for p in session.exec(select(Participant)).all()}
        mails = session.exec(select(OutboxMail)).all()
        assert row.outcome != "error", row.error
        assert row.from_email == hostile.SENDER
        assert not _CONTROL & set(row.from_name or "") and "=?" not in (row.from_name or "")
        assert hostile.INTRUDER not in people
        assert all(not _CONTROL & set(name or "") for name in people.values())
        if case.nominees:
            assert set(people) == case.nominees
        warnings = [w.split(":", 1)[0] for w in (row.analysis or {}).get("warnings", [])]
        if case.warnings:
            assert set(case.warnings) & set(warnings), warnings
        allowed = {hostile.SENDER, *people}
        for mail in mails:
            assert mail.to_email in allowed
            _check_mail(mail.data, allowed)
    assert ingest_once(services).fetched == 0  # decided once: no loop
    services.engine.dispose()


def test_bombs_are_refused_by_ratio_and_by_size():
    limits = LimitsConfig()
    ratio = hostile.docx_bomb(12 * hostile.MB)
    with pytest.raises(Unreadable, match="zip bomb"):
        check_zip(ratio, limits)
    # Incompressible content: within the ratio, refused by its expanded size alone.
    members = {f"word/media/scan{n}.bin": hostile.os.urandom(hostile.MB) for n in range(3)}
    plain = hostile._zip(members)
    with pytest.raises(TooLarge, match="expands to"):
        check_zip(plain, LimitsConfig(max_expanded_bytes=2 * hostile.MB))
    check_zip(plain, limits).close()  # a legitimate archive of the same size is read
    with pytest.raises(Unreadable, match="zip bomb"):
        check_zip(ratio, LimitsConfig(max_expanded_bytes=1024 * hostile.MB))


def test_a_sheet_declaring_every_column_is_read_at_its_width(tmp_path):
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        'formats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD5000"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Jane Mwangi</t></is></c><c r="B1" '
        f't="inlineStr"><is><t>{hostile.JANE}</t></is></c></row>'
        '<row r="5000"><c r="XFD5000" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    from openpyxl import Workbook

    book = tmp_path / "wide.xlsx"
    workbook = Workbook()
    workbook.active["A1"] = "placeholder"
    workbook.save(book)
    with zipfile.ZipFile(book) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    [table] = read_xlsx(hostile._zip(parts), LimitsConfig())
    assert table.rows[0][:2] == ["Jane Mwangi", hostile.JANE]
    assert max(len(row) for row in table.rows) <= 256


def test_headers_longer_than_64_kib_keep_the_sender_and_the_body():
    raw = hostile.nomination_with_long_headers()
    shrunk, views = detach_large_parts(raw, 256 * 1024)
    assert shrunk.startswith(raw[:100]) and len(views) == 1
    mail = parse_mail(raw)
    assert mail.from_email == hostile.SENDER and len(mail.cc) == 1400
    assert hostile.JANE in mail.text


def test_deep_nesting_is_made_opaque_past_the_limit():
    raw = hostile.deep_multipart(200)
    shallow, opaque = limit_containers(raw, 64)
    assert opaque == 136 and b"application/x-unparsed-multipart-" in shallow
    mail = parse_mail(raw)
    assert mail.from_email == hostile.SENDER
    assert any("nested parts" in str(w) for w in mail.warnings)


def test_a_large_attached_message_is_read_from_outside_the_parser():
    inner = hostile.nomination_with_long_headers()  # single part, 540 KB: cut out
    outer = hostile._mixed(
        "forward",
        [
            hostile._part("text/plain; charset=utf-8", b"Forwarded, please register.\r\n"),
            b"Content-Type: message/rfc822\r\n\r\n" + inner,
        ],
    )
    mail = parse_mail(outer)
    [attached] = mail.attachments
    assert attached.is_message and attached.data.rstrip() == inner.rstrip()


def test_attachments_past_the_limit_are_not_decoded():
    mail = parse_mail(hostile.many_attachments(), LimitsConfig(max_attachments=5))
    kept = [a for a in mail.attachments if not a.skipped]
    assert len(kept) == 5 and len(mail.attachments) == 500
    assert all(a.data == b"" for a in mail.attachments if a.skipped)
    assert read_attachment(kept[0], LimitsConfig()).lines == ["Annex 0: background."]
    assert SCANNED_IMAGE_TYPES == gathering.SCANNED_IMAGE_TYPES  # counted as the reader does


_PEAK_PROBE = """
import atexit, sys
def _peak():
    status = open("/proc/self/status").read()
    print("VmHWM", status.split("VmHWM:")[1].split()[0], file=sys.stderr)
atexit.register(_peak)
from bot.cli import main
sys.argv = ["nombot", *sys.argv[1:]]
main()
"""


def test_the_whole_set_is_read_in_one_poll_within_the_memory_limit(tmp_path, rules_dir):
    config_path = bot_config(tmp_path, f"sqlite:///{tmp_path / 'nombot.db'}", rules_dir)
    config = load_config(config_path)
    engine = open_database(config.database_url)
    with Session(engine) as session:
        import_entries(session, read_directory_file(DATA / "directory" / "focal-points.csv"), "csv")
        session.commit()
    for case in hostile.CASES:
        deliver(config, case.build(), ON_TIME)

    poll = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, "--config", str(config_path), "poll"],
        env=bot_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert poll.returncode == 0, poll.stderr
    assert f"fetched {len(hostile.CASES)} message(s)" in poll.stdout
    peak_mb = int(poll.stderr.rsplit("VmHWM", 1)[1].split()[0]) / 1024
    print(f"hostile set: {len(hostile.CASES)} messages, peak RSS {peak_mb:.0f} MB")
    assert peak_mb <= PEAK_LIMIT_MB, f"peak {peak_mb:.0f} MB"
    with Session(engine) as session:
        rows = session.exec(select(InboundMessage)).all()
    assert len(rows) == len(hostile.CASES)
    assert {r.from_email for r in rows} == {hostile.SENDER}
    assert "error" not in {r.outcome for r in rows}
    engine.dispose()
