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
