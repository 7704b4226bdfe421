"""The analysis: robot check, nominees, kind, language and typed warnings of one message."""

from email.message import EmailMessage

from bench.extraction import corpus_context
from bot.message.robots import RobotVerdict
from bot.reading import analysis
from bot.reading.analysis import Analysis, Nominee, analyse
from bot.reading.candidates import Candidate
from bot.vocab import Kind, Warning, WarningCode
from tests.conftest import DATA

CONTEXT = corpus_context()
WORD_97 = {"maintype": "application", "subtype": "msword", "filename": "letter.doc"}


def message(body: str, subject: str = "Nomination", attachment: dict | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Samuel Kiprono <s.kiprono@environment.go.ke>"
    mail["To"] = "secretariat@cbd.int"
    mail["Subject"] = subject
    mail["Message-ID"] = "<analysis-test@environment.go.ke>"
    mail.set_content(body)
    if attachment:
        mail.add_attachment(b"\xd0\xcf\x11\xe0", **attachment)
    return mail.as_bytes()


def fixture(name: str) -> Analysis:
    return analyse((DATA / "nominations" / name).read_bytes(), CONTEXT)


def test_a_nomination_in_free_text():
    result = analyse(message("We nominate Dr. Jane Mwangi (jane@kephis.go.ke)."), CONTEXT)
    assert result.kind is Kind.NOMINATION
    assert result.participants == [
        Nominee("Jane Mwangi", "jane@kephis.go.ke", "Dr.", None, None, "body")
    ]
    assert (result.withdrawn, result.warnings, result.language) == ([], [], "en")
    assert result.message_id == "<analysis-test@environment.go.ke>"


def test_people_without_any_cue_are_not_a_nomination():
    result = analyse(message("Here is Dr. Jane Mwangi (jane@kephis.go.ke).", "Hello"), CONTEXT)
    assert (result.kind, result.participants) == (Kind.OTHER, [])


def test_participation_words_count_only_beside_a_known_call():
    about_the_forum = "Dr. Jane Mwangi (jane@kephis.go.ke) will participate in the Online Forum."
    assert analyse(message(about_the_forum, "Forum"), CONTEXT).kind is Kind.NOMINATION
    about_nothing = "Dr. Jane Mwangi (jane@kephis.go.ke) will participate."
    assert analyse(message(about_nothing, "Hi"), CONTEXT).kind is Kind.OTHER


def test_a_withdrawal_needs_a_cue_or_a_known_call():
    plain = analyse(
        message("Please withdraw Dr. Jane Mwangi (jane@kephis.go.ke).", "Change"), CONTEXT
    )
    assert (plain.kind, plain.withdrawn) == (Kind.OTHER, [])
    forum = analyse(
        message("Please withdraw Dr. Jane Mwangi (jane@kephis.go.ke) from the Online Forum.", "X"),
        CONTEXT,
    )
    assert (forum.kind, forum.withdrawn, forum.participants) == (
        Kind.WITHDRAWAL,
        ["jane@kephis.go.ke"],
        [],
    )


def test_a_self_nomination_makes_the_sender_the_nominee():
    body = "I would like to participate in the Online Forum."
    result = analyse(message(body, "Registration"), CONTEXT)
    assert result.kind is Kind.NOMINATION
    assert result.participants == [
        Nominee("Samuel Kiprono", "s.kiprono@environment.go.ke", None, None, None, "sender")
    ]
    assert analyse(message("I would like to participate.", "Hello"), CONTEXT).kind is Kind.OTHER


def test_an_unreadable_attachment_with_a_cue_is_a_nomination_without_nominees():
    body = "We nominate the participants in the attached letter."
    result = analyse(message(body, attachment=WORD_97), CONTEXT)
    assert (result.kind, result.participants) == (Kind.NOMINATION, [])
    assert result.warnings == [
        Warning(WarningCode.UNREADABLE_ATTACHMENT, "letter.doc: format not supported", "letter.doc")
    ]


def test_an_unreadable_attachment_does_not_turn_a_withdrawal_into_a_nomination():
    body = "Please withdraw Dr. Jane Mwangi (jane@kephis.go.ke) as nominated."
    result = analyse(message(body, attachment=WORD_97), CONTEXT)
    assert (result.kind, result.withdrawn) == (Kind.WITHDRAWAL, ["jane@kephis.go.ke"])


def test_names_without_address_are_participants_with_a_warning_each():
    result = fixture("61-en-missing-address.eml")
    assert result.kind is Kind.NOMINATION
    assert [(p.name, p.email) for p in result.participants] == [
        ("Sibusiso Dlamini", None),
        ("Nomsa Simelane", None),
    ]
    assert result.warnings == [
        Warning(WarningCode.MISSING_ADDRESS, "Sibusiso Dlamini", "Sibusiso Dlamini"),
        Warning(WarningCode.MISSING_ADDRESS, "Nomsa Simelane", "Nomsa Simelane"),
    ]


def test_warnings_keep_their_order_mime_then_attachments_then_nominees():
    result = fixture("55-en-scanned-pdf-no-text-layer.eml")
    assert [w.code for w in result.warnings] == [
        WarningCode.NO_TEXT_LAYER,
        WarningCode.MISSING_ADDRESS,
    ]
    assert result.as_json()["warnings"] == [
        "no_text_layer: Scan_20250708_093112.pdf: no text could be read (a scan?)",
        "missing_address: Rohan Persaud",
    ]
    charset = fixture("86-fr-declared-utf8-but-latin1.eml")
    assert charset.warnings == [Warning(WarningCode.CHARSET_MISMATCH, "declared utf-8")]


def test_an_address_written_in_words_is_a_warning():
    result = fixture("26-en-obfuscated-bare-words.eml")
    assert result.warnings == [
        Warning(WarningCode.OBFUSCATED_ADDRESS, "an address was written with words; check it")
    ]


def test_a_bounce_is_read_as_a_robot_and_says_who_bounced():
    result = fixture("77-en-bounce-dsn-rfc3464.eml")
    assert (result.kind, result.bounced, result.participants) == (
        Kind.BOUNCE,
        ["rehema.kileo@tari.go.tz"],
        [],
    )
    assert result.robot_reason != ""


def test_a_robot_s_delayed_addresses_become_warnings(monkeypatch):
    verdict = RobotVerdict(kind=Kind.BOUNCE, reason="delivery delayed", delayed=["a@x.org"])
    monkeypatch.setattr(analysis, "detect_robot", lambda mail: verdict)
    result = analyse(message("Ce message est retardé. Merci de votre patience."), CONTEXT)
    assert (result.kind, result.robot_reason, result.bounced) == (
        Kind.BOUNCE,
        "delivery delayed",
        [],
    )
    assert result.warnings == [Warning(WarningCode.DELIVERY_DELAYED, "a@x.org", "a@x.org")]
    assert result.language == "fr"


FORWARD = (
    "---------- Forwarded message ---------\n"
    "From: Awa Diop <awa.diop@env.sn>\nDate: lundi\nSubject: Participants\n"
    "To: Samuel <s.kiprono@environment.go.ke>\n\n"
    "Bonjour, nous avons l'honneur de désigner Mme Fatou Ndiaye (fatou.ndiaye@env.sn) pour "
    "le forum. Cordialement, Awa\n"
)


def test_a_sender_of_few_words_is_read_in_the_language_of_what_they_forward():
    result = analyse(message(f"FYI, see below.\n\n{FORWARD}", "Fwd: Participants"), CONTEXT)
    assert (result.kind, result.language) == (Kind.NOMINATION, "fr")
    assert [(p.name, p.email) for p in result.participants] == [
        ("Fatou Ndiaye", "fatou.ndiaye@env.sn")
    ]
    own = "Please note that we have received the list below and we are happy to share it now."
    assert analyse(message(f"{own}\n\n{FORWARD}", "Fwd: Participants"), CONTEXT).language == "en"


def test_the_route_text_holds_what_was_read_then_the_whole_body():
    body = f"FYI, see below.\n\n{FORWARD}"
    result = analyse(message(body, "Fwd: Participants"), CONTEXT)
    forwarded_text = FORWARD.split("\n\n", 1)[1].rstrip("\n")
    read = f"Fwd: Participants\nFYI, see below.\n\n\n{forwarded_text}"
    assert result.route_text == f"{read}\n{body}"


def test_as_json_is_the_nombot_parse_shape():
    result = analyse(message("We nominate Dr. Jane Mwangi (jane@kephis.go.ke)."), CONTEXT)
    assert result.as_json("x.eml") == {
        "file": "x.eml",
        "message_id": "<analysis-test@environment.go.ke>",
        "from": {"name": "Samuel Kiprono", "email": "s.kiprono@environment.go.ke"},
        "subject": "Nomination",
        "language": "en",
        "kind": "nomination",
        "event": None,
        "participants": [
            {
                "name": "Jane Mwangi",
                "email": "jane@kephis.go.ke",
                "title": "Dr.",
                "organization": None,
                "country": None,
                "source": "body",
            }
        ],
        "withdrawn": [],
        "bounced": [],
        "warnings": [],
    }
    assert type(result.as_json()["kind"]) is str


def test_a_nominee_is_a_candidate_as_reported():
    candidate = Candidate(
        "jane@kephis.go.ke", "Jane Mwangi", "Dr.", "KEPHIS", "Kenya", "html", listed=True
    )
    assert Nominee.from_candidate(candidate) == Nominee(
        "Jane Mwangi", "jane@kephis.go.ke", "Dr.", "KEPHIS", "Kenya", "html"
    )


def test_without_a_context_nothing_is_ours_and_the_default_language_is_english():
    result = analyse(message("We nominate jane@cbd.int and Dr. Ana Ruiz (ana@inia.gob.pe)."))
    assert [p.email for p in result.participants] == ["jane@cbd.int", "ana@inia.gob.pe"]
    assert [
        p.email for p in analyse(message("We nominate jane@cbd.int."), CONTEXT).participants
    ] == []


TWO_LINES = "Jane Mwangi, KEPHIS, jane@kephis.go.ke\nPeter Otieno, KALRO, potieno@kalro.org\n"


def test_people_listed_with_their_addresses_are_a_nomination_without_a_cue():
    listed = "Dear colleagues,\n\n" + TWO_LINES
    result = analyse(message(listed, "Participants"), CONTEXT)
    assert (result.kind, result.cued) == (Kind.NOMINATION, False)
    assert [p.email for p in result.participants] == ["jane@kephis.go.ke", "potieno@kalro.org"]
    block = analyse(message("Name: Jane Mwangi\nEmail: jane@kephis.go.ke\n", "Hello"), CONTEXT)
    assert (block.kind, block.cued) == (Kind.NOMINATION, False)
    named = analyse(message("We nominate Dr. Jane Mwangi (jane@kephis.go.ke)."), CONTEXT)
    assert named.cued is True
    assert "cued" not in named.as_json() and "withdrawn_names" not in named.as_json()


def test_a_list_repeated_in_a_reply_to_our_own_message_is_not_a_nomination():
    listed = "Thank you.\n\n" + TWO_LINES
    raw = message(listed, "RE: Confirmation").replace(
        b"Message-ID:", b"In-Reply-To: <confirmation-1@nominations.cbd.int>\nMessage-ID:"
    )
    assert analyse(raw, CONTEXT).kind is Kind.OTHER


def test_a_name_withdrawn_without_an_address_is_kept_by_name():
    for text in (
        "Please withdraw Mr. John Smith from the Online Forum.",
        "Просим отозвать кандидатуру г-на Бакыта Асанова (уведомление 2025-055).",
        "请撤回张丽华女士的报名（第2025-055号通知）。",
    ):
        result = analyse(message(text, "Forum"), CONTEXT)
        assert result.kind is Kind.WITHDRAWAL, text
        assert len(result.withdrawn_names) == 1 and result.withdrawn == []


def test_an_organisations_mailbox_in_the_text_is_not_a_nominee():
    text = (
        "I would like to register myself for the Online Forum. Our network's general mailbox, "
        "info@network.org, may be copied on logistics."
    )
    result = analyse(message(text, "Registration"), CONTEXT)
    assert [p.email for p in result.participants] == ["s.kiprono@environment.go.ke"]


def test_an_address_given_as_wrong_is_neither_a_nominee_nor_withdrawn():
    text = (
        "We nominate Dr. Jane Mwangi for the Online Forum. Her correct address is "
        "jane@kephis.go.ke (the address jm@kephis.go.ke we sent is wrong)."
    )
    result = analyse(message(text, "Forum"), CONTEXT)
    assert [p.email for p in result.participants] == ["jane@kephis.go.ke"]
    assert result.withdrawn == []


def test_the_language_of_a_reply_is_the_senders_not_our_subjects():
    """A one-line French answer under our English notification title is French."""
    raw = message(
        "Bonjour,\n\nci-joint la liste.\n",
        subject="RE: Notification 2025-055: Online Forum on Capacity-building for Biosafety",
    )
    assert analyse(raw, CONTEXT).language == "fr"


def test_an_automatic_reply_without_robot_headers_is_known_by_its_wording():
    """QQ Mail, mail.ru and many Exchange set-ups send out-of-office text with no header."""
    for subject, body in [
        ("自动回复: 生物安全能力建设在线论坛", "您好，我最近正在休假中，无法亲自回复您的邮件。"),
        ("Forum", "Автоответ: я в отпуске до 20 июля."),
        ("Online Forum", "Réponse automatique : je suis absente jusqu'au 21 juillet."),
    ]:
        assert analyse(message(body, subject=subject), CONTEXT).kind == Kind.AUTO_REPLY


def test_a_withdrawal_mentioning_leave_is_not_an_automatic_reply():
    raw = message(
        "Dear Secretariat,\n\nFurther to notification 2025-055, please withdraw "
        "jane.mwangi@biosafetykenya.go.ke from the Online Forum: she will be on leave.\n"
    )
    assert analyse(raw, CONTEXT).kind == Kind.WITHDRAWAL
