"""Addresses in text: found, de-obfuscated, normalised."""

import pytest

from bot.reading.addresses import deobfuscate, find_addresses


@pytest.mark.parametrize(
    ("line", "addresses", "flagged"),
    [
        ("Jane (Jane.MWANGI@Environment.go.ke);", ["jane.mwangi@environment.go.ke"], False),
        ("juan(arroba)semarnat(punto)gob(punto)mx", ["juan@semarnat.gob.mx"], False),
        ("kasun [at] nsf [dot] gov [dot] lk", ["kasun@nsf.gov.lk"], False),
        ("write to jane at env dot go dot ke please", ["jane@env.go.ke"], True),
        ("<mailto:a@b.org>.", ["a@b.org"], False),
        ("two: a@b.org, c@d.org.", ["a@b.org", "c@d.org"], False),
        ("no address at all, meet at noon", [], False),
        ("broken@", [], False),
        (
            "Sr. Juan Pérez (pérez.juan@medioambiente.gob.mx)",
            ["pérez.juan@medioambiente.gob.mx"],
            False,
        ),
    ],
)
def test_addresses(line, addresses, flagged):
    fixed, was_flagged = deobfuscate(line)
    assert [f.address for f in find_addresses(fixed)] == addresses
    assert was_flagged is flagged
