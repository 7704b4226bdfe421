"""The focal-point directory: CSV and BCH index imports, atomic replacement, lookups."""

import pytest
from sqlmodel import Session, select

from bot.errors import UserError
from bot.store.db import open_database
from bot.store.directory import (
    governments_with_role,
    import_entries,
    read_bch_json,
    read_csv,
    read_directory_file,
    roles_of,
)
from bot.store.models import FocalPoint
from tests.conftest import DATA

CSV = DATA / "directory" / "focal-points.csv"
BCH = DATA / "directory" / "bch-focal-points.json"


def test_bch_index_json_gives_one_entry_per_role_and_address():
    entries = read_bch_json(BCH)
    keys = {(e.country, e.role, e.email) for e in entries}
    assert keys == {
        ("KE", "CPB-FP1", "s.kiprono@environment.go.ke"),
        ("KE", "CPB-FP1", "biosafety.nfp@environment.go.ke"),
        ("KE", "BCH-FP", "s.kiprono@environment.go.ke"),
        ("KE", "BCH-FP", "biosafety.nfp@environment.go.ke"),
        ("KE", "CBD-FP1", "e.wambui@environment.go.ke"),
        ("GH", "CBD-FP1", "k.asante@epa.gov.gh"),
        ("GH", "ABS-FP", "k.asante@epa.gov.gh"),
        ("SN", "CPB-FP2", "aminata.ndiaye@environnement.gouv.sn"),
    }
    names = {e.email: e.name for e in entries}
    assert names["e.wambui@environment.go.ke"] == "Esther Wambui"  # from title_s, no honorific
    assert names["s.kiprono@environment.go.ke"] == "Samuel Kiprono"


def test_import_replaces_everything_and_reports_the_change(database_url):
    engine = open_database(database_url)
    with Session(engine) as session:
        first = import_entries(session, read_csv(CSV), "csv")
        session.commit()
    assert (len(first.added), len(first.removed), first.total) == (9, 0, 9)
    with Session(engine) as session:
        second = import_entries(session, read_bch_json(BCH), "bch")
        session.commit()
        rows = session.exec(select(FocalPoint)).all()
    assert len(rows) == second.total == 8
    assert {(e.country, e.role, e.email) for e in second.removed} >= {
        ("ORG:iucn", "ORG-HEAD", "helena.berger@iucn.org"),
        ("PE", "CPB-FP2", "rquispe@minam.gob.pe"),
    }
    assert ("KE", "CPB-FP1", "s.kiprono@environment.go.ke") not in {
        (e.country, e.role, e.email) for e in second.added
    }
    with Session(engine) as session:
        assert {r.role for r in roles_of(session, "S.KIPRONO@environment.go.ke")} == {
            "CPB-FP1",
            "BCH-FP",
        }
        assert governments_with_role(session, {"KE", "GH"}, ["CPB-FP1", "CPB-FP2"]) == {"KE"}


def test_a_bad_line_stops_the_import_and_changes_nothing(tmp_path, database_url):
    engine = open_database(database_url)
    with Session(engine) as session:
        import_entries(session, read_csv(CSV), "csv")
        session.commit()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "country,role,name,email,organization,language\n"
        "KE,CPB-FP1,Samuel Kiprono,s.kiprono@environment.go.ke,,en\n"
        "Kenya,CPB-FP1,Someone,someone@environment.go.ke,,en\n"
    )
    with pytest.raises(UserError, match=r"bad.csv:3: country: 'KENYA'"):
        read_directory_file(bad)
    with Session(engine) as session:
        assert len(session.exec(select(FocalPoint)).all()) == 9


def test_missing_columns_are_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("country,name,email\nKE,Samuel Kiprono,s.kiprono@environment.go.ke\n")
    with pytest.raises(UserError, match="missing column"):
        read_csv(bad)
