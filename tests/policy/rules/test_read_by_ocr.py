"""The ``read_by_ocr`` rule: nominees read from a scanned page wait for a person; those
from the text of the message do not."""

from bot.policy.rule import Hit
from bot.policy.rules import RULES
from bot.reading.analysis import Nominee
from bot.vocab import Reason, ReasonCode, Warning, WarningCode
from tests.policy.rules.builders import MWANGI, OTIENO, analysis, facts

check = RULES["read_by_ocr"].check


def _reading(scanned: bool):
    reading = analysis(
        Nominee("Jane Mwangi", MWANGI, None, None, None, "attachment:letter.pdf"),
        Nominee("Peter Otieno", OTIENO, None, None, None, "body"),
    )
    if scanned:
        reading.warnings.append(
            Warning(WarningCode.OCR_READ, "letter.pdf: read by OCR (page 1)", "letter.pdf")
        )
    return reading


def test_only_the_nominees_of_the_scanned_file_are_caught(forum):
    assert check(facts(_reading(scanned=True), forum)) == Hit(
        Reason(ReasonCode.READ_BY_OCR), (MWANGI,)
    )


def test_a_text_attachment_is_not_caught(forum):
    assert check(facts(_reading(scanned=False), forum)) is None
