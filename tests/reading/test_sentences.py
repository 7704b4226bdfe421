"""Sentences of a line, and whether each puts its people forward or withdraws them."""

from bot.reading.sentences import announced_by, intent, says_withdraw, sentence_at, sentences


def test_sentences_do_not_end_at_honorifics_initials_or_numbers():
    line = "Dr. Jane Mwangi will attend. Mr. P. Otieno too! Ref. No. 5 is here. Next"
    assert sentences(line) == [
        "Dr. Jane Mwangi will attend.",
        "Mr. P. Otieno too!",
        "Ref. No. 5 is here.",
        "Next",
    ]


def test_the_sentence_at_a_position():
    line = "We nominate Jane. Please withdraw Peter (p@x.org)."
    assert sentence_at(line, 40) == "Please withdraw Peter (p@x.org)."
    assert sentence_at(line, 3) == "We nominate Jane."


def test_a_replacement_sentence_is_not_a_withdrawal_by_itself():
    assert says_withdraw("please withdraw dr mwangi") is True
    assert says_withdraw("se retira y en su lugar participara ana") is False


def test_cue_lines_announce_an_intent_for_the_lines_after_them():
    assert announced_by("the following are withdrawn") == "withdraw"
    assert announced_by("we nominate the following") == "add"
    assert announced_by("best regards") is None


def test_replace_by_withdraws_what_comes_before_the_verb():
    sentence = "Peter Otieno (p@x.org) is to be replaced by Jane Mwangi (jane@x.org)"
    assert intent(sentence, 14, None) is True
    assert intent(sentence, 58, None) is False


def test_instead_of_withdraws_what_comes_after_it():
    sentence = "Jane Mwangi instead of Peter Otieno"
    assert intent(sentence, 0, None) is False
    assert intent(sentence, 25, None) is True


def test_without_a_replacement_the_words_and_then_the_announced_intent_decide():
    assert intent("Please withdraw Jane", None, None) is True
    assert intent("Jane Mwangi, KEPHIS", None, "withdraw") is True
    assert intent("We nominate Jane", None, "withdraw") is False
    assert intent("Jane Mwangi, KEPHIS", None, "add") is False


def test_a_replacement_withdraws_the_one_replaced_whichever_comes_first():
    """ "instead of X, please register Y"; "X cannot attend; Y will take her place"."""
    line = (
        "En lugar de la Lic. Martha Urbina (murbina@marena.gob.ni), quien no podrá participar, "
        "favor inscribir al Lic. Byron Lacayo, correo: blacayo@marena.gob.ni."
    )
    assert intent(line, line.index("murbina"), None) is True
    assert intent(line, line.index("blacayo@"), None) is False
    line = (
        "السيدة دلال العتيبي (dalal@epa.org.kw) لن تتمكن من المشاركة، وسيحل محلها المهندس "
        "يوسف الرشيدي <y.alrashidi@epa.org.kw>"
    )
    assert intent(line, line.index("dalal@"), None) is True
    assert intent(line, line.index("y.alrashidi"), None) is False
