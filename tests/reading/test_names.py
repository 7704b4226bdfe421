"""Personal names: honorifics, natural order, re-casing."""

import pytest

from bot.reading.names import looks_like_name, name_from_display, normalise_name, same_person


@pytest.mark.parametrize(
    ("written", "name", "title"),
    [
        ("Dr. Jane MWANGI", "Jane Mwangi", "Dr."),
        ("SATO Kenji", "Kenji Sato", None),
        ("NGUYEN Thi Lan", "Thi Lan Nguyen", None),
        ("Jean-Pierre KOUASSI", "Jean-Pierre Kouassi", None),
        ("Anna VAN DER BERG", "Anna van der Berg", None),
        ("Prof. Dr. María José GARCÍA LÓPEZ", "María José García López", "Prof. Dr."),
        ("M. Jean Dupont", "Jean Dupont", "M."),
        ("Mme Aminata Diallo", "Aminata Diallo", "Mme"),
        ("la Sra. Carmen Rosa Tello Vargas", "Carmen Rosa Tello Vargas", "Sra."),
        ("Ing. Luis de la Cruz", "Luis de la Cruz", "Ing."),
        ("Mr. JOHN O'BRIEN", "John O'Brien", "Mr."),
        ("Le GABON désigne M. Landry OBIANG", None, None),
        ("JOHN SMITH", "John Smith", None),
        ("Jane Mwangi, PhD", "Jane Mwangi", None),
    ],
)
def test_names_in_natural_order_without_honorifics(written, name, title):
    assert normalise_name(written) == (name, title)


@pytest.mark.parametrize(
    "text",
    [
        "Ministry of Environment",
        "Online Forum",
        "Best regards",
        "Kind regards,",
        "Protocolo de Cartagena",
    ],
)
def test_what_is_not_a_name(text):
    assert normalise_name(text)[0] is None or not looks_like_name(normalise_name(text)[0])


def test_display_names_from_headers():
    assert name_from_display("Mwangi, Jane") == ("Jane Mwangi", None)
    assert name_from_display("KAMAU, Peter (MOE)") == ("Peter Kamau", None)
    assert name_from_display('"Dr. Jane Mwangi"') == ("Jane Mwangi", "Dr.")
    assert name_from_display("secretariat") == (None, None)
    assert name_from_display("jane@x.org") == (None, None)


@pytest.mark.parametrize(
    ("display", "name"),
    [
        ("KAMAU SMITH, Peter", "Peter Kamau Smith"),  # a family name in capitals moves
        ("Mwangi Kamau, Jane", "Mwangi Kamau Jane"),  # two words, not capitals: left in order
        ("Mwangi, Jane, PhD", "Jane Mwangi"),  # post-nominals off before the comma counts
    ],
)
def test_family_name_first_in_display_names(display, name):
    assert name_from_display(display) == (name, None)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Jean LE GALL", "Jean Le Gall"),  # an article opening a family name stays capital
        ("María de LA CRUZ", "María de la Cruz"),  # after a preposition it is a particle
        ("Jane 2 Mwangi", None),
        ("Jane Mwangi (KEPHIS)", "Jane Mwangi"),
    ],
)
def test_articles_particles_and_notes(written, name):
    assert normalise_name(written)[0] == name


def test_same_person_ignores_accents_order_case_and_initials():
    assert same_person("José GARCÍA", "Garcia Jose")
    assert same_person("Dr J. Mwangi", "Mwangi")
    assert not same_person("Jane Mwangi", "Peter Mwangi")
    assert not same_person(None, "Jane")


def test_same_person_reads_russian_names_in_any_case():
    """ "отозвать кандидатуру г-жи Марии Ивановой" names Мария Иванова."""
    assert same_person("Марии Ивановой", "Мария Иванова")
    assert same_person("Ивана Петрова", "Иван Петров")
    assert not same_person("Иван Петров", "Игорь Петров")


def test_russian_names_written_family_name_first_are_turned_round():
    assert normalise_name("Каримова Дилноза")[0] == "Дилноза Каримова"
    assert normalise_name("Гарипов Ильдар Рашитович")[0] == "Ильдар Рашитович Гарипов"
    assert normalise_name("Мария Николаевна Бодруг")[0] == "Мария Николаевна Бодруг"
    assert normalise_name("Марина Ким")[0] == "Марина Ким"


def test_a_chinese_name_with_a_middle_dot_is_a_name():
    from bot.reading.cjk_names import is_cjk_name

    assert is_cjk_name("巴奈·古拉斯") and is_cjk_name("约翰·史密斯")
    assert not is_cjk_name("生态环境部·自然生态保护司")
