"""Honorifics, particles and the words that are never names."""

import pytest

from bot.reading.name_words import (
    NOT_NAME_WORDS,
    PARTICLES,
    bare_word,
    is_honorific,
    split_honorifics,
)


@pytest.mark.parametrize(
    ("token", "honorific"),
    [
        ("Dr.", True),
        ("dr", True),
        ("Mme", True),
        ("Sra.", True),
        ("M.", True),
        ("M", False),  # "M Dupont": an initial, not Monsieur
        ("Don", False),
        ("Dª", True),
        ("d.a", True),
        ("Jane", False),
    ],
)
def test_honorifics_with_and_without_their_period(token, honorific):
    assert is_honorific(token) is honorific


@pytest.mark.parametrize(
    ("written", "split"),
    [
        ("Prof. Dr. Jane Mwangi", ("Prof. Dr.", "Jane Mwangi")),
        ("Sra. María José García", ("Sra.", "María José García")),
        ("D. Smith", (None, "D. Smith")),
        ("D. Santiago Obiang", ("D.", "Santiago Obiang")),
        ("Dr.", (None, "Dr.")),
        ("Jane Mwangi", (None, "Jane Mwangi")),
    ],
)
def test_split_honorifics_leaves_at_least_one_word(written, split):
    assert split_honorifics(written) == split


def test_bare_words_are_compared_without_periods_or_case():
    assert bare_word("Dr.") == "dr"
    assert bare_word("M.D.") == "m.d"


def test_the_word_lists_hold_what_the_readers_rely_on():
    assert {"de", "la", "van", "bin", "binti"} <= PARTICLES
    assert {"ministry", "ministère", "ministerio", "regards", "focal"} <= NOT_NAME_WORDS
    assert "jane" not in NOT_NAME_WORDS
