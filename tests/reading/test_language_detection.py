"""The sender's language on short messages, as ``analysis`` hands them to the detector.

One or two lines in each of the seven languages replies are written in, and mixed text:
Latin addresses and names inside Arabic, Chinese or Russian, an English signature or
disclaimer under a message in another language. ``bench/language.py`` scores every
detector on the same sentences (``SENTENCES`` and ``MIXED``).
"""

import pytest

from bot.reading.language import detect_language

SENTENCES: list[tuple[str, str]] = [
    ("Please find attached the list of our participants.", "en"),
    ("Dear colleagues, we nominate Ms Jane Mwangi for the forum.", "en"),
    ("Kindly register the two officers below.", "en"),
    ("Thank you, I will attend the webinar.", "en"),
    ("Hi, see attached. Best, Tom", "en"),
    ("Veuillez trouver ci-joint la liste de nos participants.", "fr"),
    ("Bonjour,\nCi-joint la liste.", "fr"),
    ("Madame, Monsieur, je vous prie de bien vouloir inscrire M. Diallo.", "fr"),
    ("Nous désignons Mme Aminata Ndiaye pour le forum en ligne.", "fr"),
    ("Merci de confirmer la réception.", "fr"),
    ("Estimados, les remito la lista de participantes.", "es"),
    ("Buenos días, adjunto la nominación de Colombia.", "es"),
    ("Por este medio designamos a la Sra. María López.", "es"),
    ("Quedo atento a su confirmación. Saludos cordiales.", "es"),
    ("Le informo que no podré participar.", "es"),
    ("Segue em anexo a lista dos nossos participantes.", "pt"),
    ("Prezados, indicamos a Sra. Ana Souza para o fórum.", "pt"),
    ("Bom dia, envio os nomes dos técnicos que vão participar.", "pt"),
    ("Agradeço a confirmação da inscrição.", "pt"),
    ("Não poderei participar no webinário.", "pt"),
    ("Уважаемые коллеги, направляем список участников.", "ru"),
    ("Прошу зарегистрировать Иванова Ивана Петровича.", "ru"),
    ("Спасибо, подтверждаю участие.", "ru"),
    ("السادة الأمانة، نرفق لكم قائمة المشاركين.", "ar"),
    ("نرشح السيدة نورة القحطاني للمشاركة في المنتدى.", "ar"),
    ("شكرا لكم على التأكيد.", "ar"),
    ("尊敬的秘书处：附件是我国参加论坛的人员名单。", "zh"),
    ("我们推荐李明先生参加网络研讨会。", "zh"),
    ("谢谢，收到。", "zh"),
]

MIXED: list[tuple[str, str]] = [
    (
        "السادة الأمانة، نرشح السيد أحمد علي (ahmed.ali@eeaa.gov.eg) والسيدة سارة حسن "
        "(s.hassan@eeaa.gov.eg) للمنتدى عبر الإنترنت.",
        "ar",
    ),
    ("نرشح الدكتور أحمد علي، وزارة البيئة (Ministry of Environment)، ahmed.ali@eeaa.gov.eg", "ar"),
    (
        "附件是我国参加论坛的人员名单：Li Ming, liming@mee.gov.cn; "
        "Zhang Wei, zhangwei@craes.org.cn",
        "zh",
    ),
    ("Направляем кандидатуру: Dilnoza Karimova, d.karimova@eco.gov.uz", "ru"),
    (
        "Estimados, adjunto la lista de nuestros participantes.\n\n"
        "John Smith\nSenior Programme Officer\nMinistry of Environment\nTel: +1 242 555 0100",
        "es",
    ),
    (
        "Bonjour, veuillez trouver ci-joint nos deux participants.\n\n"
        "This e-mail and any attachments are confidential.",
        "fr",
    ),
    ("Prezados, segue em anexo a lista dos participantes.\n\nSent from my iPhone", "pt"),
    (
        "Nominación - Foro en línea\nEstimados: les envío los nombres. "
        "https://www.ambiente.gob.ar info@ambiente.gob.ar",
        "es",
    ),
    ("Liste des participants - Forum en ligne (notification 2025-055)\nBonjour,\n\n", "fr"),
]


@pytest.mark.parametrize(("text", "language"), SENTENCES)
def test_a_sentence_or_two_is_read_in_its_language(text: str, language: str) -> None:
    assert detect_language(text, default="en") == language
    assert detect_language(text, default="fr") == language


@pytest.mark.parametrize(("text", "language"), MIXED)
def test_words_of_another_language_do_not_decide(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_the_csv_message_of_cote_divoire_is_french() -> None:
    """Its own words are three (the list is in a CSV attachment), with an English-looking
    subject: "participants" and "Forum" tied the stop words with "des" and "la"."""
    text = "Liste des participants - Forum en ligne (notification 2025-055)\n"
    text += "Bonjour,\n\nCi-joint la liste.\n"
    assert detect_language(text, default="en") == "fr"


@pytest.mark.parametrize("text", ["", "Jane Mwangi", "2025-055", "liming@mee.gov.cn", "OK"])
def test_text_without_a_language_is_in_the_default(text: str) -> None:
    assert detect_language(text, default="es") == "es"
    assert detect_language(text, default="pt") == "pt"


def test_an_address_inside_chinese_written_without_spaces_leaves_the_chinese():
    text = "2025-055\n关于第2025-055号通知的在线论坛，王伟先生的正确邮箱为：wangwei@craes.org.cn"
    assert detect_language(text, "en") == "zh"


def test_lean_model_scores_as_py3langid_restricted_does():
    """The model loaded lean (one array at a time, the automaton used in place) gives
    the same guess and probability as py3langid's own loader restricted the same way."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from bot.reading.language import _identifier

    lean = _identifier()
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(lean.nb_classes)
    for sentence, _ in [*SENTENCES, *MIXED]:
        language, probability = lean.classify(sentence)
        expected, expected_probability = reference.classify(sentence)
        assert language == expected, sentence
        assert probability == pytest.approx(expected_probability, abs=1e-6), sentence
