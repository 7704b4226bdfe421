"""The words around and inside personal names: honorifics, particles, and non-name words.

Language data for the name reader (``names``) and the line readers: which tokens open a
name as a title (``Dr.``, ``Mme``, ``Ing.``), which small words belong inside one (``de la``,
``van der``, ``bin``), and which words never stand in a person's name (institutions, mail
furniture, event words, job titles). Compared case-insensitively.
"""

import re

# Honorifics and academic/professional prefixes in the UN languages we read, compared
# without the trailing period and case-insensitively.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "dra", "drs", "prof", "professor", "pr", "sir",
    "dame", "hon", "he", "h.e", "rev", "m", "mm", "mme", "mmes", "mlle", "mlles", "me",
    "monsieur", "madame", "mademoiselle", "sr", "sra", "srta", "sres", "sras", "don",
    "doña", "dña", "lic", "licda", "lcda", "lcdo", "ing", "inga", "eng", "engr", "arq",
    "mtro", "mtra", "abg", "abog", "excmo", "excma", "s.e", "se", "amb", "ambassador",
    "señor", "señora", "señorita", "doctor", "doctora", "dott", "dottssa", "herr", "frau",
    "d", "biol", "biól", "mvz", "qfb", "msc", "mgtr", "mag", "ir", "econ",
}  # fmt: skip
# Spanish "Doña" in its abbreviated spellings, compared as written (lower-cased).
DONA_ABBREVIATIONS = ("d.ª", "dª", "d.a", "dña.")
# Words that may open a name only when written with a period ("M. Dupont", not "M Dupont").
NEEDS_PERIOD = {"m", "me", "pr", "se", "he", "don", "amb", "eng", "rev", "d", "ir", "mag",
                "econ"}  # fmt: skip
POST_NOMINALS = re.compile(
    r",?\s*\b(?:ph\.?\s?d|m\.?\s?sc|b\.?\s?sc|m\.?\s?a|m\.?\s?d|mba|jr|sr|esq)\.?\s*$", re.I
)
PARTICLES = {
    "de", "del", "della", "der", "den", "van", "von", "da", "das", "do", "dos", "du", "la",
    "le", "y", "e", "i", "di", "ten", "ter", "bin", "binti", "ben", "al", "el", "zu", "los",
    "las", "des",
}  # fmt: skip
# Articles that begin a family name ("Le Gall", "La Rosa", "Al Balushi") and stay
# capitalised unless a preposition comes before them ("de la Cruz").
ARTICLES = {"le", "la", "el", "al", "les", "los", "las"}
# Words that never stand in a personal name: institutions, mail furniture, event words.
NOT_NAME_WORDS = {
    "ministry", "ministère", "ministere", "ministerio", "department", "département",
    "departamento", "university", "université", "universidad", "institute", "institut",
    "instituto", "agency", "agence", "agencia", "secretariat", "secrétariat", "secretaría",
    "secretaria", "convention", "protocol", "protocole", "protocolo", "forum", "foro",
    "webinar", "webinaire", "notification", "notificación", "biosafety", "biosécurité",
    "bioseguridad", "biodiversity", "biodiversité", "biodiversidad", "email", "e-mail", "mail",
    "tel", "phone", "fax", "mobile", "courriel", "correo", "office", "bureau", "oficina",
    "director", "directeur", "directora", "directrice", "focal", "point", "national",
    "nacional", "government", "gouvernement", "gobierno", "republic", "république", "república",
    "regards", "cordialement", "saludos", "atentamente", "sincerely", "dear", "cher", "chère",
    "estimado", "estimada", "thank", "thanks", "merci", "gracias", "please", "veuillez",
    "participant", "participants", "participante", "participantes", "name", "nom", "nombre",
    "organization", "organisation", "organización", "country", "pays", "país", "the", "and",
    "of", "for", "les", "des", "para", "por", "environment", "environnement", "ambiente",
    "medio", "centre", "center", "centro", "council", "conseil", "consejo", "commission",
    "comisión", "service", "servicio", "direction", "dirección", "network", "réseau", "red",
    "association", "asociación", "foundation", "fondation", "fundación", "programme", "program",
    "programa", "laboratory", "laboratoire", "laboratorio", "authority", "autorité",
    "autoridad", "committee", "comité", "division", "división", "unit", "unité", "unidad",
    "cbd", "cpb", "un", "unep", "iucn", "ngo", "ong", "inc", "ltd", "gmbh", "s.a", "bch",
    "online", "en", "ligne", "línea", "linea", "capacity-building", "subject", "objet",
    "asunto", "from", "sent", "to", "cc", "date", "de:", "re", "fw", "fwd", "tr", "rv", "ref",
    "réf", "annex", "annexe", "anexo", "attached", "ci-joint", "adjunto", "list", "liste",
    "lista", "monday", "tuesday", "wednesday", "thursday", "friday", "july", "june", "august",
    "juillet", "juin", "août", "julio", "junio", "agosto", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "lunes", "martes", "miércoles", "jueves", "viernes", "senior",
    "officer", "coordinator", "coordinateur", "coordinador", "coordinadora", "head", "chef",
    "jefe", "jefa", "expert", "experte", "experto", "experta", "specialist", "spécialiste",
    "especialista", "advisor", "adviser", "conseiller", "conseillère", "asesor", "asesora",
    "manager", "gestionnaire", "analyst", "analyste", "analista", "researcher", "chercheur",
    "chercheuse", "investigador", "investigadora", "scientist", "technician", "technicien",
    "técnico", "técnica", "assistant", "assistante", "asistente", "deputy", "adjoint",
    "adjointe", "chief", "minister", "ministre", "ministro", "ministra", "permanent",
    "secretary", "secrétaire", "biotechnology", "biotechnologie", "biotecnología"
}  # fmt: skip


def bare_word(token: str) -> str:
    """A token without its periods, lower-cased: how the word lists are compared."""
    return token.strip(".").lower()


def is_honorific(token: str) -> bool:
    if token.lower() in DONA_ABBREVIATIONS:
        return True
    word = bare_word(token)
    if word not in HONORIFICS:
        return False
    return not (word in NEEDS_PERIOD and not token.endswith("."))


def split_honorifics(text: str) -> tuple[str | None, str]:
    """Take leading honorifics off a name: ('Prof. Dr.', 'Jane Mwangi')."""
    tokens = text.split()
    taken: list[str] = []
    while len(tokens) > 1 and is_honorific(tokens[0]):
        if tokens[0].lower() == "d." and len(tokens) < 3:
            break  # "D. Smith" is an initial; "D. Santiago Obiang" is Spanish "Don"
        taken.append(tokens.pop(0))
    title = " ".join(taken) if taken else None
    return title, " ".join(tokens)
