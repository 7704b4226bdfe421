"""Participants' own links: imported from ``email,url`` CSV (with or without a BOM), used
instead of the event's url; a bad file is refused whole with one line."""

import pytest
from sqlmodel import Session, select

from bot.access.links import import_links, read_links
from bot.access.publish import publish
from bot.errors import UserError
from bot.store.models import AccessLink
from tests.access.conftest import E2E, EVENT_URL, SLUG, mails, nominate

JANE = "jane.mwangi@biosafetykenya.go.ke"
OWN = "https://meet.cbd.int/j/8123456789?pwd=Kx7Jm2&tk=jane"


def csv_file(tmp_path, text: str, bom: bool = False, name: str = "links.csv"):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_own_link_replaces_the_event_url(services, tmp_path):
    nominate(services, E2E / "kenya.eml")
    links = read_links(csv_file(tmp_path, f"email,url\r\n{JANE.upper()},{OWN}\r\n", bom=True))
    with Session(services.engine) as session:
        report = import_links(session, SLUG, links)
        session.commit()
    assert (report.added, report.unregistered, report.already_sent) == ([JANE], [], [])

    publish(services, SLUG)

    by_address = {m.to: m for m in mails(services)}
    jane, peter = by_address[JANE], by_address["p.otieno@kephis.go.ke"]
    assert OWN in jane.text and EVENT_URL not in jane.text
    assert "Your personal link (please do not share it):" in jane.text
    assert 'href="https://meet.cbd.int/j/8123456789?pwd=Kx7Jm2&amp;tk=jane"' in jane.html
    assert str(jane.vevents[0]["LOCATION"]) == OWN
    assert EVENT_URL in peter.text and OWN not in peter.text
    assert "Link to the event:" in peter.text


def test_reimport_counts_and_flags_links_changed_after_sending(services, tmp_path):
    nominate(services, E2E / "kenya.eml")
    first = csv_file(
        tmp_path,
        f"url,email,name\n{OWN},{JANE},Jane\nhttps://x.example/1,later@example.org,\n",
    )
    with Session(services.engine) as session:
        report = import_links(session, SLUG, read_links(first))
        session.commit()
    assert report.summary() == (
        "2 link(s): 2 added, 0 updated, 0 unchanged; 1 for addresses not registered for the event"
    )
    publish(services, SLUG)

    rows = f"email,url\n{JANE},https://x.example/new\nlater@example.org,https://x.example/1\n"
    second = csv_file(tmp_path, rows, name="again.csv")
    with Session(services.engine) as session:
        report = import_links(session, SLUG, read_links(second))
        session.commit()
    assert (report.updated, report.unchanged, report.already_sent) == (
        [JANE],
        ["later@example.org"],
        [JANE],
    )
    with Session(services.engine) as session:
        urls = {r.email: r.url for r in session.exec(select(AccessLink)).all()}
    assert urls == {JANE: "https://x.example/new", "later@example.org": "https://x.example/1"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("mail,link\na@example.org,https://x.example\n", r":1: missing column\(s\) email, url"),
        ("email,url\nnot-an-address,https://x.example\n", r":2: email: 'not-an-address' is not"),
        ("email,url\na@example.org,javascript:alert(1)\n", r":2: url: 'javascript:alert\(1\)'"),
        ("email,url\na@example.org,https://x.example/a b\n", r":2: url: .* not an http\(s\)"),
        ("email,url\na@example.org,\n", r":2: url: '' is not an http\(s\) address"),
        (
            "email,url\na@example.org,https://x.example/1\nA@example.org,https://x.example/2\n",
            r":3: a@example.org already has another url on line 2",
        ),
        ("email,url\n\n", r": no links"),
        ("", r":1: missing column\(s\) email, url; expected a header email,url"),
    ],
)
def test_a_bad_file_is_one_line(tmp_path, content, message):
    with pytest.raises(UserError, match=message) as caught:
        read_links(csv_file(tmp_path, content))
    assert "\n" not in str(caught.value)


def test_a_latin1_file_is_read_and_a_missing_one_is_one_line(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("email,url\nj.müller@example.org,https://x.example\n".encode("latin-1"))
    assert [link.email for link in read_links(latin)] == ["j.müller@example.org"]
    with pytest.raises(UserError, match=r"missing\.csv: cannot be read"):
        read_links(tmp_path / "missing.csv")
