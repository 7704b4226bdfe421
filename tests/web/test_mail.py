"""The mail a corrected address sends the nominator (``participant_updated``): written in
each of the seven languages, naming the new address and the old one, with no English
left in the other six."""

import pytest

from bot.vocab import Template
from tests.notify.test_templates import FOREIGN, LANGUAGES, english_in, make_writer


@pytest.fixture(scope="module")
def writer():
    return make_writer()


@pytest.fixture(scope="module")
def context(writer) -> dict:
    sample = writer.sample_contexts()[0]
    return {**sample, "previous_email": "jane.mwangi@old-address.go.ke", "recipient_name": None}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_names_the_new_and_the_old_address(writer, context, language):
    assert writer.language_for(Template.PARTICIPANT_UPDATED, language) == language
    text, _, subject = writer.render(Template.PARTICIPANT_UPDATED, language, context)
    assert context["participant"]["email"] in text and context["previous_email"] in text
    assert context["participant"]["name"] in text and context["event"]["name"] in subject


@pytest.mark.parametrize("language", FOREIGN)
def test_no_english_in_the_other_languages(writer, context, language):
    assert english_in(writer, Template.PARTICIPANT_UPDATED, language, context) == []
