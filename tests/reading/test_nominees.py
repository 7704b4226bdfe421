"""Choosing nominees among the gathered candidates."""

from email.message import EmailMessage

from bench.extraction import corpus_context
from bot.message.parse import ParsedMail, parse_mail
from bot.reading.candidates import Candidate
from bot.reading.gathering import Gathered, gather
from bot.reading.nominees import choose_nominees, copy_nominees
from bot.reading.zones import Segment
from tests.conftest import DATA
from tests.reading.support import described

CONTEXT = corpus_context()
SENDER = "s.kiprono@environment.go.ke"


def mail(body: str = "We nominate the following.", **headers: str) -> ParsedMail:
    message = EmailMessage()
    message["From"] = f"Samuel Kiprono <{SENDER}>"
    message["To"] = headers.get("to", "secretariat@cbd.int")
    if "cc" in headers:
        message["Cc"] = headers["cc"]
    message["Subject"] = "Nomination"
    message.set_content(body)
    return parse_mail(message.as_bytes())


def fixture(name: str) -> ParsedMail:
    return parse_mail((DATA / "nominations" / name).read_bytes())


def chosen(gathered: Gathered, parsed: ParsedMail | None = None, self_nominated: bool = False):
    nominees = choose_nominees(parsed or mail(), gathered, CONTEXT, self_nominated)
    return (
        {address: described(c) for address, c in nominees.kept.items()},
        nominees.withdrawn,
        [described(c) for c in nominees.names_only],
    )


def test_ours_excluded_and_empty_candidates_are_dropped():
    gathered = Gathered(
        candidates=[
            (Candidate("secretariat@cbd.int", name="CBD Secretariat"), None),
            (Candidate("someone@un.cbd.int"), None),
            (Candidate("boss@env.go.ke", excluded="copied for information"), None),
            (Candidate(None, name="Jane Mwangi"), None),
            (Candidate("jane@kephis.go.ke", name="Jane Mwangi"), None),
        ]
    )
    assert chosen(gathered) == (
        {"jane@kephis.go.ke": {"email": "jane@kephis.go.ke", "name": "Jane Mwangi"}},
        [],
        [],
    )


def test_the_sender_counts_only_when_listed_or_self_nominated_and_is_then_the_sender():
    in_passing = Gathered(candidates=[(Candidate(SENDER), None)])
    assert chosen(in_passing)[0] == {}
    listed = Gathered(candidates=[(Candidate(SENDER, listed=True), None)])
    assert chosen(listed)[0] == {SENDER: {"email": SENDER, "source": "sender", "listed": True}}


def test_a_self_nominated_sender_comes_first_with_the_name_of_the_header():
    gathered = Gathered(candidates=[(Candidate("jane@kephis.go.ke"), None)])
    assert list(chosen(gathered, self_nominated=True)[0].items()) == [
        (
            SENDER,
            {"email": SENDER, "name": "Samuel Kiprono", "source": "sender", "listed": True},
        ),
        ("jane@kephis.go.ke", {"email": "jane@kephis.go.ke"}),
    ]


def test_a_forwarded_mail_s_author_in_passing_is_not_a_nominee():
    forwarded = Segment("forwarded", header={"from": "Ana Ruiz <ana@inia.gob.pe>"})
    gathered = Gathered(
        candidates=[
            (Candidate("ana@inia.gob.pe"), forwarded),
            (Candidate("ctello@inia.gob.pe"), forwarded),
        ]
    )
    assert list(chosen(gathered)[0]) == ["ctello@inia.gob.pe"]
    listed = Gathered(candidates=[(Candidate("ana@inia.gob.pe", listed=True), forwarded)])
    assert list(chosen(listed)[0]) == ["ana@inia.gob.pe"]


def test_sightings_of_one_address_merge_and_withdrawn_addresses_are_set_apart():
    gathered = Gathered(
        candidates=[
            (Candidate("jane@kephis.go.ke", name="Jane Mwangi"), None),
            (Candidate("jane@kephis.go.ke", organization="KEPHIS", listed=True), None),
            (Candidate("peter@env.go.ke", name="Peter Otieno"), None),
            (Candidate("peter@env.go.ke", withdrawn=True), None),
            (Candidate("peter@env.go.ke", withdrawn=True), None),
        ]
    )
    assert chosen(gathered)[:2] == (
        {
            "jane@kephis.go.ke": {
                "email": "jane@kephis.go.ke",
                "name": "Jane Mwangi",
                "organization": "KEPHIS",
                "listed": True,
            }
        },
        ["peter@env.go.ke"],
    )


def test_names_come_from_the_headers_when_the_text_gave_only_the_address():
    parsed = mail(cc="Dr. Jane Mwangi <jane@kephis.go.ke>")
    gathered = Gathered(candidates=[(Candidate("jane@kephis.go.ke"), None)])
    assert chosen(gathered, parsed)[0] == {
        "jane@kephis.go.ke": {"email": "jane@kephis.go.ke", "name": "Jane Mwangi", "title": "Dr."}
    }


def test_names_without_address_once_each_and_not_for_someone_kept():
    gathered = Gathered(
        candidates=[(Candidate("jane@kephis.go.ke", name="Jane Mwangi"), None)],
        names_only=[
            Candidate(None, name="Dr Jane Mwangi"),
            Candidate(None, name="Ana Ruiz"),
            Candidate(None, name="Ana RUIZ"),
            Candidate(None, name="Peter Otieno", withdrawn=True),
            Candidate(None, name="Samuel Kiprono"),
        ],
    )
    assert chosen(gathered)[2] == [
        {"email": None, "name": "Ana Ruiz"},
        {"email": None, "name": "Samuel Kiprono"},
    ]
    # A self-nominated sender's own name is not a second nominee.
    assert [c["name"] for c in chosen(gathered, self_nominated=True)[2]] == ["Ana Ruiz"]


def test_recipients_in_copy_are_nominees_when_the_text_says_so():
    parsed = fixture("33-en-cc-nominees.eml")
    own_text = "\n".join(gather(parsed, CONTEXT).own_text)
    assert [described(c) for c in copy_nominees(parsed, own_text, [], CONTEXT)] == [
        {
            "email": "tesfaye.bekele@epa.gov.et",
            "name": "Tesfaye Bekele",
            "source": "cc",
            "listed": True,
        },
        {
            "email": "hiwot.alemu@ebi.gov.et",
            "name": "Hiwot Alemu",
            "source": "cc",
            "listed": True,
        },
    ]
    assert copy_nominees(parsed, "Please find our nominees below.", [], CONTEXT) == []


def test_names_in_the_text_choose_among_the_copied_and_for_information_is_left_out():
    parsed = mail(cc="Jane Mwangi <jane@kephis.go.ke>, Peter Otieno <p.otieno@env.go.ke>")
    own_text = "Our nominees are in copy."
    named = [Candidate(None, name="Jane Mwangi", title="Dr.")]
    assert [described(c) for c in copy_nominees(parsed, own_text, named, CONTEXT)] == [
        {
            "email": "jane@kephis.go.ke",
            "name": "Jane Mwangi",
            "title": "Dr.",
            "source": "cc",
            "listed": True,
        }
    ]
    own_text = "Our nominees are in copy.\nPeter Otieno is copied for information."
    assert [c.email for c in copy_nominees(parsed, own_text, [], CONTEXT)] == ["jane@kephis.go.ke"]


def test_the_secretariat_and_the_sender_are_never_copied_nominees():
    parsed = mail(to="secretariat@cbd.int", cc=f"Jane Mwangi <jane@kephis.go.ke>, {SENDER}")
    assert [c.email for c in copy_nominees(parsed, "Nominees in cc.", [], CONTEXT)] == [
        "jane@kephis.go.ke"
    ]


def test_a_colleague_copied_for_information_is_not_a_nominee():
    parsed = fixture("36-en-cc-for-information.eml")
    assert parsed.cc == [("Kagiso Molefe", "kmolefe@gov.bw")]
    nominees = choose_nominees(parsed, gather(parsed, CONTEXT), CONTEXT, False)
    assert list(nominees.kept) == ["bseretse@gov.bw"]
