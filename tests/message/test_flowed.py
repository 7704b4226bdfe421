"""format=flowed bodies (RFC 3676) are read as the lines the sender wrote."""

from email.message import EmailMessage

from bot.message.flowed import decode_flowed
from bot.message.parse import parse_mail


def test_soft_breaks_join_and_hard_ones_stay():
    text = "3. Engr. Ramon Villanueva, Bureau - \nrv@bmb.gov.ph\nBest regards,\n-- \nRowena"
    assert decode_flowed(text) == (
        "3. Engr. Ramon Villanueva, Bureau - rv@bmb.gov.ph\nBest regards,\n-- \nRowena"
    )


def test_quote_depth_stuffing_and_delsp():
    assert decode_flowed("> old \n> text\n>> older\n new") == "> old text\n> > older\nnew"
    assert decode_flowed("Hel \nlo wor \nld", delsp=True) == "Hello world"
    assert decode_flowed("a \n> b") == "a \n> b"  # a paragraph never flows into a quote


def test_a_flowed_message_is_decoded_when_parsed():
    message = EmailMessage()
    message["From"] = "a@example.org"
    message.set_content("Ms. Liza Mendoza, Bureau of Plant Industry \n- liza@bpi.da.gov.ph\n")
    message.set_param("format", "flowed")
    mail = parse_mail(message.as_bytes())
    assert "Ms. Liza Mendoza, Bureau of Plant Industry - liza@bpi.da.gov.ph" in mail.text
