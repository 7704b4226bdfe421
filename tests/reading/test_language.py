"""The sender's language: script first, then distinctive stop words, else the default."""

import pytest

from bot.reading.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Please find below our nominees for the forum.", "en"),
        ("Veuillez trouver ci-dessous nos participants.", "fr"),
        ("Estimados, les remito la lista de participantes para el foro.", "es"),
        ("Segue em anexo a lista dos nossos participantes.", "pt"),
        ("Уважаемые коллеги, направляем список", "ru"),
        ("尊敬的秘书处", "zh"),
        ("مرحبا بكم في المنتدى", "ar"),
    ],
)
def test_each_language_by_its_words_or_script(text, language):
    assert detect_language(text, default="en") == language
    assert detect_language(text, default="fr") == language


def test_text_without_any_known_word_is_in_the_default_language():
    assert detect_language("Jane Mwangi", default="fr") == "fr"
    assert detect_language("", default="es") == "es"


def test_a_tie_goes_to_the_default_when_it_is_one_of_the_tied():
    assert detect_language("la y", default="es") == "es"
    assert detect_language("la y", default="fr") == "fr"


def test_a_tie_without_the_default_goes_to_the_language_seen_first():
    assert detect_language("la y", default="en") == "fr"
    assert detect_language("y la", default="en") == "es"


def test_accents_do_not_hide_a_word():
    assert detect_language("été désigné", default="en") == "fr"
