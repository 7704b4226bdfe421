"""The words the reader recognises: field labels, column headers and cue phrases."""

import pytest

from bot.reading.vocabulary import (
    CONTACT,
    FIELD_LINE,
    FOR_INFORMATION,
    NOMINATION,
    NOMINEES_IN_COPY,
    PARTICIPATION,
    SELF_NOMINATION,
    WITHDRAWAL,
    folded,
    label_kind,
)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Correo electrónico:", "email"),
        ("E-MAIL", "email"),
        ("Prénom(s)", "first"),
        ("nombre", "first"),
        ("Apellido(s)*", "last"),
        ("Nom et prénoms :", "name"),
        ("  Name  ", "name"),
        ("Phone", "ignore"),
        ("Favourite colour", None),
    ],
)
def test_labels_in_three_languages(label, kind):
    assert label_kind(label) == kind


@pytest.mark.parametrize(
    ("line", "groups"),
    [
        ("- Correo electrónico : ana@x.org", ("Correo electrónico", "ana@x.org")),
        ("Courriel: a@b.c", ("Courriel", "a@b.c")),
        ("Nom:Dupont", ("Nom", "Dupont")),
        ("Name - Jane", None),
        ("Emails: x", None),
    ],
)
def test_a_field_line_is_a_known_label_and_a_colon(line, groups):
    match = FIELD_LINE.match(line)
    assert (match.groups() if match else None) == groups


@pytest.mark.parametrize(
    ("cue", "text", "found"),
    [
        (NOMINATION, "We are pleased to nominate", True),
        (NOMINATION, "Nous désignons", True),
        (NOMINATION, "Registration of participants", True),
        (NOMINATION, "Le complace nombrar a", False),
        (WITHDRAWAL, "Please withdraw", True),
        (WITHDRAWAL, "Il ne pourra pas participer", True),
        (WITHDRAWAL, "Solicito dar de baja", True),
        (SELF_NOMINATION, "I would like to participate", True),
        (SELF_NOMINATION, "Je souhaite participer", True),
        (SELF_NOMINATION, "We would like to participate", False),
        (NOMINEES_IN_COPY, "The nominees are copied", True),
        (NOMINEES_IN_COPY, "Con copia a", True),
        (FOR_INFORMATION, "Para su conocimiento", True),
        (FOR_INFORMATION, "FYI", True),
        (CONTACT, "Contact my assistant", True),
        (CONTACT, "The nominees", False),
        (PARTICIPATION, "Attend", True),
        (PARTICIPATION, "Attendance", False),
    ],
)
def test_cues_match_accent_folded_text(cue, text, found):
    assert bool(cue.search(folded(text))) is found


def test_folding_removes_accents_and_case():
    assert folded("Désignation ÉLÈVE ñ") == "designation eleve n"


def test_a_label_joining_two_of_one_kind_is_of_that_kind():
    from bot.reading.vocabulary import label_kind

    assert label_kind("职务/职称") == "position"
    assert label_kind("Fonction / Poste") == "position"
    assert label_kind("Nom/Prénom") is None  # two kinds: not one field
