"""The line reader: labelled blocks, lists, tables, cue lines and free text, in order."""


from bot.message.parse import parse_mail
from bot.reading import Table
from bot.reading.participants import read_lines, read_table
from tests.conftest import DATA
from tests.reading.support import described


def read(lines: list, source: str = "body") -> tuple[list[dict], list[dict], bool]:
    reading = read_lines(lines, source)
    return (
        [described(c) for c in reading.candidates],
        [described(c) for c in reading.names_without_address],
        reading.obfuscated,
    )


def test_labelled_blocks_of_a_real_message():
    mail = parse_mail((DATA / "nominations" / "07-en-labelled-block.eml").read_bytes())
    candidates, names, _ = read(mail.text.splitlines())
    assert candidates == [
        {
            "email": "sarah.nakato@naro.go.ug",
            "name": "Sarah Nakato",
            "title": "Dr.",
            "organization": "National Agricultural Research Organisation (NARO)",
            "country": "Uganda",
            "listed": True,
        },
        {
            "email": "m.okello@uncst.go.ug",
            "name": "Moses Okello",
            "title": "Biosafety Desk Officer",
            "organization": "Uganda National Council for Science and Technology",
            "country": "Uganda",
            "listed": True,
        },
        # The signature is read too: cutting it off is the zones' job, not the reader's.
        {"email": "anamuli@nema.go.ug", "name": "Jinja Road Kampala"},
    ]
    assert names == []


def test_a_blank_line_ends_a_block_and_ignored_fields_stay_in_it():
    lines = [
        "Name: Jane Mwangi",
        "Organization: KEPHIS",
        "Tel: +254 700 000",
        "Email: jane@kephis.go.ke",
        "",
        "Name: Peter Otieno",
        "Email: p.otieno@env.go.ke",
    ]
    reading = read_lines(lines, "body")
    assert [c.line for c in reading.candidates] == [
        "Name: Jane Mwangi / Organization: KEPHIS / Tel: +254 700 000 / Email: jane@kephis.go.ke",
        "Name: Peter Otieno / Email: p.otieno@env.go.ke",
    ]
    assert [(c.name, c.organization) for c in reading.candidates] == [
        ("Jane Mwangi", "KEPHIS"),
        ("Peter Otieno", None),
    ]


def test_a_name_field_seen_again_starts_the_next_person():
    lines = [
        "Name: Jane Mwangi",
        "Email: jane@kephis.go.ke",
        "Name: Peter Otieno",
        "Email: p.otieno@env.go.ke",
    ]
    candidates, _, _ = read(lines)
    assert [(c["email"], c["name"]) for c in candidates] == [
        ("jane@kephis.go.ke", "Jane Mwangi"),
        ("p.otieno@env.go.ke", "Peter Otieno"),
    ]


def test_list_items_with_and_without_addresses():
    lines = [
        "We nominate the following:",
        "1. Dr. Jane Mwangi, KEPHIS Board, jane@kephis.go.ke",
        "2. Mr. Peter Otieno, Ministry of Environment",
        "3. Ministry of Agriculture",
    ]
    assert read(lines) == (
        [
            {
                "email": "jane@kephis.go.ke",
                "name": "Jane Mwangi",
                "title": "Dr.",
                "organization": "KEPHIS Board",
                "listed": True,
            }
        ],
        [
            {
                "email": None,
                "name": "Peter Otieno",
                "title": "Mr.",
                "organization": "Ministry of Environment",
                "listed": True,
            }
        ],
        False,
    )


def test_a_name_on_the_line_before_its_address():
    assert read(["Dr. Jane Mwangi", "jane@kephis.go.ke"])[0] == [
        {"email": "jane@kephis.go.ke", "name": "Jane Mwangi", "title": "Dr."}
    ]
    # Not when the line before was a field or a blank line.
    assert read(["Name: X", "", "jane@kephis.go.ke"])[0] == [{"email": "jane@kephis.go.ke"}]


def test_a_withdrawal_cue_line_withdraws_the_people_listed_after_it():
    lines = ["Please withdraw the following:", "- Peter Otieno <p.otieno@env.go.ke>", "- Ana Ruiz"]
    assert read(lines) == (
        [
            {
                "email": "p.otieno@env.go.ke",
                "name": "Peter Otieno",
                "listed": True,
                "withdrawn": True,
            }
        ],
        [{"email": None, "name": "Ana Ruiz", "listed": True, "withdrawn": True}],
        False,
    )


def test_a_withdrawal_cue_line_withdraws_a_table_after_it():
    table = Table([["Name", "Email"], ["Peter Otieno", "p.otieno@env.go.ke"], ["Ana Ruiz", ""]])
    candidates, names, _ = read(["The following are withdrawn:", table])
    assert [(c["email"], c.get("withdrawn")) for c in candidates] == [("p.otieno@env.go.ke", True)]
    assert [(c["name"], c.get("withdrawn")) for c in names] == [("Ana Ruiz", True)]


def test_use_new_instead_of_old_is_an_address_correction():
    """The old address is neither a nominee nor withdrawn: the policy replaces it."""
    line = "Please use jane@kephis.go.ke instead of j.mwangi@gmail.com for Dr Jane Mwangi"
    candidates = read([line])[0]
    assert candidates[0] == {"email": "jane@kephis.go.ke", "name": "Jane Mwangi", "title": "Dr"}
    assert candidates[1]["email"] == "j.mwangi@gmail.com"
    assert candidates[1]["excluded"] == "an address given as wrong"


def test_addresses_copied_for_information_or_for_contact_are_excluded():
    lines = [
        "For your information: boss@env.go.ke",
        "For questions contact info@env.go.ke",
        "We nominate jane@kephis.go.ke; for questions contact her",
    ]
    assert read(lines)[0] == [
        {"email": "boss@env.go.ke", "excluded": "copied for information"},
        {"email": "info@env.go.ke", "excluded": "contact address"},
        {"email": "jane@kephis.go.ke"},
    ]


def test_names_in_nominating_sentences_but_not_in_a_greeting():
    lines = [
        "Dear Dr. Jane Mwangi, we nominate Mr. Peter Otieno.",
        "We are pleased to nominate Mme Awa Diop. Her address follows.",
        "Please withdraw Mr. Juan Pérez from the list.",
    ]
    assert read(lines)[1] == [
        {"email": None, "name": "Awa Diop", "title": "Mme"},
        {"email": None, "name": "Juan Pérez", "title": "Mr.", "withdrawn": True},
    ]


def test_an_address_written_in_words_is_read_and_flagged():
    assert read(["We nominate Jane Mwangi, jane at kephis dot go dot ke"]) == (
        [{"email": "jane@kephis.go.ke", "name": "Jane Mwangi", "obfuscated": True}],
        [],
        True,
    )


def test_a_pasted_tab_separated_list_is_read_as_a_table():
    lines = ["Name\tEmail", "Jane Mwangi\tjane@kephis.go.ke", "Peter Otieno\tp.otieno@env.go.ke"]
    candidates, _, _ = read(lines, "html")
    assert candidates == [
        {"email": "jane@kephis.go.ke", "name": "Jane Mwangi", "source": "html", "listed": True},
        {"email": "p.otieno@env.go.ke", "name": "Peter Otieno", "source": "html", "listed": True},
    ]


def test_a_table_without_header_is_read_row_by_row_and_keeps_only_addresses():
    table = Table(
        [
            ["Dr. Jane Mwangi", "KEPHIS", "jane@kephis.go.ke"],
            ["Peter Otieno", "p at env dot go dot ke"],
            ["Ana Ruiz", "INIA"],
        ]
    )
    reading = read_table(table, "html")
    assert [described(c) for c in reading.candidates] == [
        {"email": "jane@kephis.go.ke", "name": "Jane Mwangi", "title": "Dr.", "source": "html"},
        {"email": "p@env.go.ke", "name": "Peter Otieno", "source": "html", "obfuscated": True},
    ]
    assert (reading.names_without_address, reading.obfuscated) == ([], True)


def test_punctuation_after_for_is_not_a_name():
    assert read(["We nominate jane@kephis.go.ke for , ; ,"])[0] == [{"email": "jane@kephis.go.ke"}]


def test_a_letterhead_contact_line_is_no_nominee():
    """ "ул. …, г. Минск. Тел. … E-mail: ministry@…" under the ministry's name in capitals."""
    reading = read_lines(
        [
            "РЕСПУБЛИКИ БЕЛАРУСЬ",
            "ул. Коллекторная, 10, г. Минск. Тел. (017) 200-66-91. E-mail: minpriroda@belpak.by",
        ],
        "body",
    )
    [candidate] = reading.candidates
    assert candidate.excluded and not candidate.name


def test_a_titled_line_shaped_like_the_list_above_is_a_nominee_without_address():
    reading = read_lines(
        [
            "Ms Losa Faamausili - Senior Officer - Ministry of Agriculture - losa@maf.gov.ws",
            "Dr Ioane Aleni - Lecturer - National University of Samoa - (email to follow)",
        ],
        "body",
    )
    assert [c.name for c in reading.names_without_address] == ["Ioane Aleni"]
    assert reading.candidates[0].organization == "Ministry of Agriculture"


def test_a_sentence_naming_someone_copied_is_not_a_list_item():
    reading = read_lines(
        [
            "Ms Losa Faamausili - Senior Officer - Ministry of Agriculture - losa@maf.gov.ws",
            "Ms. Angelita M. Cruz, CBD National Focal Point, is copied for her information.",
        ],
        "body",
    )
    assert reading.names_without_address == []


def test_an_address_a_field_gives_as_wrong_is_left_out():
    reading = read_lines(
        [
            "Участница: г-жа Лилия Гараева",
            "Правильный адрес: liliya.garaeva@kpfu.ru (а не liliya.garayeva@kpfu.ru)",
        ],
        "body",
    )
    assert [(c.email, c.name, c.title) for c in reading.candidates] == [
        ("liliya.garaeva@kpfu.ru", "Лилия Гараева", "г-жа")
    ]
