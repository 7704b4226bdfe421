"""One address on a line: the name and organization written beside it."""

import pytest

from bot.reading.address_lines import candidate_on_line
from bot.reading.addresses import find_addresses
from tests.reading.support import described


def read(line: str) -> list[dict]:
    found = find_addresses(line)
    return [
        described(
            candidate_on_line(
                line,
                item,
                found[index - 1] if index else None,
                found[index + 1] if index + 1 < len(found) else None,
                "body",
            )
        )
        for index, item in enumerate(found)
    ]


@pytest.mark.parametrize(
    ("line", "candidate"),
    [
        (
            "Dr. Jane Mwangi, Ministry of Environment, jane.mwangi@environment.go.ke",
            {
                "email": "jane.mwangi@environment.go.ke",
                "name": "Jane Mwangi",
                "title": "Dr.",
                "organization": "Ministry of Environment",
            },
        ),
        (
            "jane@kephis.go.ke (Jane Mwangi)",
            {"email": "jane@kephis.go.ke", "name": "Jane Mwangi"},
        ),
        (
            "MITCHELL, Keisha <k.mitchell@moa.gov.jm>",
            {"email": "k.mitchell@moa.gov.jm", "name": "Keisha Mitchell"},
        ),
        (
            "jane@kephis.go.ke - Jane Mwangi, KEPHIS",
            {"email": "jane@kephis.go.ke", "name": "Jane Mwangi"},
        ),
        (
            "Jane Mwangi <mailto:jane@kephis.go.ke>",
            {"email": "jane@kephis.go.ke", "name": "Jane Mwangi"},
        ),
        (
            "jane@kephis.go.ke, Kenya Plant Health Inspectorate Service",
            {
                "email": "jane@kephis.go.ke",
                "organization": "Kenya Plant Health Inspectorate Service",
            },
        ),
        # A title after the address is kept even without a name.
        ("jane@kephis.go.ke Dr. Mwangi", {"email": "jane@kephis.go.ke", "title": "Dr."}),
    ],
)
def test_the_person_beside_an_address(line, candidate):
    assert read(line) == [candidate]


def test_two_addresses_on_a_line_each_take_the_text_before_them():
    assert read("Jane Mwangi jane@kephis.go.ke; Peter Otieno p.otieno@env.go.ke") == [
        {"email": "jane@kephis.go.ke", "name": "Jane Mwangi"},
        {"email": "p.otieno@env.go.ke", "name": "Peter Otieno"},
    ]


def test_the_candidate_keeps_its_line_and_source():
    line = "Jane Mwangi <jane@kephis.go.ke>"
    [found] = find_addresses(line)
    candidate = candidate_on_line(line, found, None, None, "html")
    assert (candidate.source, candidate.line, candidate.listed) == ("html", line, False)
