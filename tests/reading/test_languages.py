"""The language files (bot/reading/languages): the loader, and a cue, a label and an
honorific of every language, as the readers see them."""

import re

import pytest

from bot.reading.lexicon import (
    LanguageFileError,
    Lexicon,
    accent_blind,
    fold_pattern,
    lexicon,
    load_languages,
    parse_language,
)
from bot.reading.name_words import is_honorific
from bot.reading.names import normalise_name
from bot.reading.vocabulary import (
    FIELD_LINE,
    FOR_INFORMATION,
    NOMINATION,
    WITHDRAWAL,
    folded,
    label_kind,
)
from bot.text import fold_accents, fold_with_offsets

SHIPPED = {"ar", "en", "es", "fr", "ko", "pt", "ru", "zh"}


def test_every_shipped_file_loads_and_is_checked():
    languages = load_languages()
    assert set(languages) >= SHIPPED
    assert {code for code, _, _ in lexicon().scripts()} >= {"ar", "ru", "zh", "ko"}
    assert {"en", "fr", "es", "pt"} <= set(lexicon().stopwords())


def test_a_language_file_is_read_into_words_labels_and_patterns():
    language = parse_language(
        """
        [language]
        code = "xx"
        stopwords = "foo bar"
        [labels]
        email = ["Adresse électronique"]
        [cues]
        nomination = ['désign(e|ons)\\b']
        [names]
        honorifics = ["Señor"]
        """,
        "xx.toml",
    )
    merged = Lexicon({"xx": language})
    assert merged.labels() == {"adresse electronique": "email"}
    assert merged.pattern("cues", "nomination").search("nous designons")
    assert not merged.pattern("cues", "nomination").search("redesigne")  # at a word start
    assert merged.words("names", "honorifics") == {"señor", "senor"}
    assert language.stopwords == {"foo", "bar"}


def test_a_language_without_word_boundaries_finds_cues_inside_words():
    text = '[language]\ncode = "xx"\nword_start = false\n[cues]\nnomination = ["推荐"]'
    language = parse_language(text)
    assert Lexicon({"xx": language}).pattern("cues", "nomination").search("现推荐以下人员")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[cues]\nnomination = ['x']", "[language] with a code"),
        ('[language]\ncode = "xx"\n[cuse]\nnomination = []', "unknown table [cuse]"),
        ('[language]\ncode = "xx"\n[cues]\nnominations = []', "unknown key cues.nominations"),
        ('[language]\ncode = "xx"\n[cues]\nnomination = "x"', "must be a list of strings"),
        ("[language]\ncode = \"xx\"\n[cues]\nnomination = ['(x']", "missing )"),
        (
            "[language]\ncode = \"xx\"\nword_start = false\n[cues]\nnomination = ['\\bx']",
            "word_start is false",
        ),
        ('[language]\ncode = "xx"\nscript = ["arabic"]', "script range"),
        ('[language]\ncode = "xx"\nlanguage = "x"', "unknown key language.language"),
        ('[language]\ncode = "xx"\n[cues]\nnomination = ["x\\b"]', "control character"),
        ('[language]\ncode = "xx"\ncharacter_weight = 9', "character_weight must be"),
    ],
)
def test_a_bad_language_file_is_refused_with_its_name_and_key(text, problem):
    with pytest.raises(LanguageFileError, match=re.escape(problem)):
        parse_language(text, "xx.toml")


def test_patterns_are_folded_but_their_escapes_kept():
    assert fold_pattern(r"D\Ésign\w+é") == r"d\Ésign\w+e"
    assert re.fullmatch(accent_blind("prenom"), "Prénom", re.I)
    assert re.fullmatch(accent_blind("البريد الالكتروني"), "البريد  الإلكتروني")


def test_folding_keeps_every_script_and_maps_back_to_the_text():
    assert fold_accents("Désignation ÉLÈVE") == "designation eleve"
    assert fold_accents("الإلكترونية") == "الالكترونيه"
    assert fold_accents("СМИРНОВА") == "смирнова"
    assert fold_accents("电子邮件：王伟") == "电子邮件:王伟"
    assert fold_accents("추천합니다") == "추천합니다"
    folded_text, offsets = fold_with_offsets("Straße é")
    assert folded_text == "strasse e"
    assert offsets[len("strasse ")] == len("Straße ")  # "é" folded is "e", where "é" was
    assert offsets[-1] == len("Straße é")


# One cue, one label and one honorific of every shipped language.
@pytest.mark.parametrize(
    ("language", "cue", "label", "kind", "written", "name", "honorific"),
    [
        ("en", "We are pleased to nominate", "E-mail address", "email", "Dr. Jane MWANGI",
         "Jane Mwangi", "Dr."),
        ("fr", "Nous désignons", "Prénom", "first", "Mme Awa DIOP", "Awa Diop", "Mme"),
        ("es", "Nominamos a", "Correo electrónico", "email", "Ing. Agr. Martín Fernández",
         "Martín Fernández", "Ing. Agr."),
        ("pt", "Indicamos os seguintes participantes", "Sobrenome", "last",
         "Prof.ª Doutora Maria de Fátima Neto", "Maria de Fátima Neto", "Prof.ª Doutora"),
        ("ar", "يسرني أن أرشح للمشاركة", "البريد الإلكتروني", "email",
         "السيدة نورة القحطاني (Ms. Noura Alqahtani)", "نورة القحطاني", "السيدة"),
        ("ru", "направляет сведения о кандидатах", "Отчество", "middle",
         "г-жа Айгуль ТОКТОГУЛОВА / Ms. Aigul TOKTOGULOVA", "Айгуль Токтогулова", "г-жа"),
        ("zh", "现推荐以下人员参加", "电子邮件", "email", "李娜 博士（Dr. LI Na）", "李娜", "博士"),
        ("ko", "참가자를 아래와 같이 추천합니다", "소속", "organization",
         "박준호 박사 (Dr. PARK Junho)", "박준호", "박사"),
    ],
)  # fmt: skip
def test_each_language_has_a_cue_a_label_and_an_honorific(
    language, cue, label, kind, written, name, honorific
):
    assert NOMINATION.search(folded(cue)), language
    assert label_kind(label) == kind
    assert FIELD_LINE.match(f"{label}: x")
    assert normalise_name(written) == (name, honorific)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Please withdraw Mr. Smith", WITHDRAWAL),
        ("retirar a inscrição da Sra. Costa", WITHDRAWAL),
        ("просим отозвать кандидатуру", WITHDRAWAL),
        ("请撤回张丽华女士的报名", WITHDRAWAL),
        ("أرسلت إليه نسخة للعلم فقط", FOR_INFORMATION),
        ("поставлен в копию для сведения", FOR_INFORMATION),
        ("抄送刘洋同志知悉", FOR_INFORMATION),
        ("정보 공유 목적으로 참조에 포함", FOR_INFORMATION),
        ("Se marca copia informativa a la Dirección", FOR_INFORMATION),
    ],
)
def test_cues_of_other_kinds_in_every_script(text, cue):
    assert cue.search(folded(text))


@pytest.mark.parametrize(
    ("token", "honorific"),
    [("Eng.º", True), ("Prof.ª", True), ("Doutora", True), ("Agr.", True), ("Agr", False)],
)
def test_honorifics_with_ordinal_forms_and_periods(token, honorific):
    assert is_honorific(token) is honorific


def test_an_ordinal_form_does_not_make_a_particle_an_honorific():
    assert not is_honorific("da")  # "Dª" folded would read "da"
    assert normalise_name("Ana Carolina Ferreira da Silva")[0] == "Ana Carolina Ferreira da Silva"
