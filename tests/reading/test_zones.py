"""Own words apart from quoted history, forwarded mail and signatures."""

from bot.reading.zones import split_zones


def zones(text: str, subject: str = "") -> list[tuple[str, str]]:
    segments = split_zones(text.splitlines(), subject, {"secretariat@cbd.int"}, {"cbd.int"})
    return [
        (s.zone, " / ".join(line for line in s.lines if isinstance(line, str) and line))
        for s in segments
    ]


def test_reply_history_and_signature():
    text = (
        "Please register Dr Jane Mwangi <jane@kephis.go.ke>.\n\nBest regards,\nSamuel\n"
        "s.kiprono@environment.go.ke\n\nOn Fri, 27 Jun 2025 at 10:00, CBD Secretariat "
        "<secretariat@cbd.int> wrote:\n> Dear focal points,\n> please nominate …"
    )
    found = zones(text, "Re: Notification 2025-055")
    assert [z for z, _ in found] == ["own", "signature", "forward_header", "quoted"]
    assert "jane@kephis.go.ke" in found[0][1]
    assert "s.kiprono" in found[1][1]


def test_outlook_forward_keeps_the_names_and_its_header():
    text = (
        "FYI, the nominees are below.\n\n-----Original Message-----\n"
        "From: Ana Ruiz <ana@inia.gob.pe>\nSent: Monday, July 7, 2025 10:12\n"
        "To: Rosa Quispe <rquispe@minam.gob.pe>\nSubject: Nominados\n\n"
        "- Carmen Tello (ctello@inia.gob.pe)\n"
    )
    found = zones(text, "FW: Nominados")
    kinds = [z for z, _ in found]
    assert kinds == ["own", "forward_header", "forwarded"]
    assert found[1][1].startswith("-----Original Message-----")
    assert "ctello@inia.gob.pe" in found[2][1]


def test_a_quoted_notification_from_the_secretariat_is_history_not_a_forward():
    text = (
        "Voir ci-dessous.\n\nDe : Secrétariat <secretariat@cbd.int>\nEnvoyé : vendredi\n"
        "À : Points focaux\nObjet : Notification 2025-055\n\nMadame, Monsieur, …"
    )
    assert [z for z, _ in zones(text)] == ["own", "forward_header", "quoted"]


def test_spanish_and_french_separators():
    for separator in (
        "---------- Mensaje reenviado ---------",
        "-------- Message transféré --------",
    ):
        text = (
            f"Les remito.\n\n{separator}\nDe: X <x@y.org>\nFecha: hoy\nAsunto: Lista\n"
            "Para: Z <z@y.org>\n\nNombre: Ana\n"
        )
        assert [z for z, _ in zones(text)][-1] == "forwarded"


ORIGINAL_MESSAGE = (
    "See below.\n\n-----Original Message-----\nFrom: Ana Ruiz <ana@inia.gob.pe>\n"
    "Sent: Monday\nTo: Rosa <r@minam.gob.pe>\nSubject: Nominados\n\n"
    "- Carmen Tello (ctello@inia.gob.pe)\n"
)


def test_an_original_message_is_forwarded_only_under_a_forward_subject():
    assert [z for z, _ in zones(ORIGINAL_MESSAGE, "FW: Nominados")] == [
        "own",
        "forward_header",
        "forwarded",
    ]
    assert [z for z, _ in zones(ORIGINAL_MESSAGE, "RE: Nominados")][-1] == "quoted"
    assert [z for z, _ in zones(ORIGINAL_MESSAGE, "")][-1] == "quoted"


def test_a_bare_header_block_is_history_in_a_reply_and_forwarded_otherwise():
    text = ORIGINAL_MESSAGE.replace("-----Original Message-----\n", "")
    assert zones(text, "RE: Nominados")[1:] == [
        (
            "forward_header",
            "From: Ana Ruiz <ana@inia.gob.pe> / Sent: Monday / To: Rosa <r@minam.gob.pe> / "
            "Subject: Nominados",
        ),
        ("quoted", "- Carmen Tello (ctello@inia.gob.pe)"),
    ]
    assert [z for z, _ in zones(text, "")][-1] == "forwarded"


def test_quoted_lines_inside_a_forward_are_set_apart_and_the_forward_goes_on():
    text = (
        "FYI\n\n---------- Forwarded message ---------\nFrom: Ana <ana@inia.gob.pe>\n"
        "Date: hoy\nSubject: Lista\nTo: Z <z@y.org>\n\n"
        "Nombre: Carmen\n> old line\nCorreo: c@inia.gob.pe\n"
    )
    assert zones(text)[2:] == [
        ("quoted", "> old line"),
        ("forwarded", "Nombre: Carmen / Correo: c@inia.gob.pe"),
    ]


def test_an_attribution_on_two_lines_and_everything_after_history_is_history():
    text = (
        "FYI\n\n---------- Forwarded message ---------\nFrom: Ana <ana@inia.gob.pe>\n"
        "Date: hoy\nSubject: Lista\nTo: Z <z@y.org>\n\nText\nOn Fri, Ana\nRuiz wrote:\n> x\n"
        "From: Q <q@y.org>\nSent: Monday\nTo: R <r@y.org>\nSubject: S\n\nold\n"
    )
    assert [z for z, _ in zones(text)] == [
        "own",
        "forward_header",
        "forwarded",
        "forward_header",
        "quoted",
        "forward_header",
        "quoted",
    ]
    assert zones(text)[3] == ("forward_header", "On Fri, Ana / Ruiz wrote:")
