"""Personal names: honorifics off, natural order, family names in capitals re-cased.

``SATO Kenji`` becomes ``Kenji Sato``; ``Dr. Jane MWANGI`` becomes ``Jane Mwangi`` with
the title ``Dr.``; ``Mwangi, Jane`` (a header display name) becomes ``Jane Mwangi``.
"""

import re
import unicodedata

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
# Words that may open a name only when written with a period ("M. Dupont", not "M Dupont").
_NEEDS_PERIOD = {"m", "me", "pr", "se", "he", "don", "amb", "eng", "rev", "d", "ir", "mag",
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
_ARTICLES = {"le", "la", "el", "al", "les", "los", "las"}
# Words that never stand in a personal name: institutions, mail furniture, event words.
NOT_NAME_WORDS = {
    "ministry",
    "ministère",
    "ministere",
    "ministerio",
    "department",
    "département",
    "departamento",
    "university",
    "université",
    "universidad",
    "institute",
    "institut",
    "instituto",
    "agency",
    "agence",
    "agencia",
    "secretariat",
    "secrétariat",
    "secretaría",
    "secretaria",
    "convention",
    "protocol",
    "protocole",
    "protocolo",
    "forum",
    "foro",
    "webinar",
    "webinaire",
    "notification",
    "notificación",
    "biosafety",
    "biosécurité",
    "bioseguridad",
    "biodiversity",
    "biodiversité",
    "biodiversidad",
    "email",
    "e-mail",
    "mail",
    "tel",
    "phone",
    "fax",
    "mobile",
    "courriel",
    "correo",
    "office",
    "bureau",
    "oficina",
    "director",
    "directeur",
    "directora",
    "directrice",
    "focal",
    "point",
    "national",
    "nacional",
    "government",
    "gouvernement",
    "gobierno",
    "republic",
    "république",
    "república",
    "regards",
    "cordialement",
    "saludos",
    "atentamente",
    "sincerely",
    "dear",
    "cher",
    "chère",
    "estimado",
    "estimada",
    "thank",
    "thanks",
    "merci",
    "gracias",
    "please",
    "veuillez",
    "participant",
    "participants",
    "participante",
    "participantes",
    "name",
    "nom",
    "nombre",
    "organization",
    "organisation",
    "organización",
    "country",
    "pays",
    "país",
    "the",
    "and",
    "of",
    "for",
    "les",
    "des",
    "para",
    "por",
    "environment",
    "environnement",
    "ambiente",
    "medio",
    "centre",
    "center",
    "centro",
    "council",
    "conseil",
    "consejo",
    "commission",
    "comisión",
    "service",
    "servicio",
    "direction",
    "dirección",
    "network",
    "réseau",
    "red",
    "association",
    "asociación",
    "foundation",
    "fondation",
    "fundación",
    "programme",
    "program",
    "programa",
    "laboratory",
    "laboratoire",
    "laboratorio",
    "authority",
    "autorité",
    "autoridad",
    "committee",
    "comité",
    "division",
    "división",
    "unit",
    "unité",
    "unidad",
    "cbd",
    "cpb",
    "un",
    "unep",
    "iucn",
    "ngo",
    "ong",
    "inc",
    "ltd",
    "gmbh",
    "s.a",
    "bch",
    "online",
    "en",
    "ligne",
    "línea",
    "linea",
    "capacity-building",
    "subject",
    "objet",
    "asunto",
    "from",
    "sent",
    "to",
    "cc",
    "date",
    "de:",
    "re",
    "fw",
    "fwd",
    "tr",
    "rv",
    "ref",
    "réf",
    "annex",
    "annexe",
    "anexo",
    "attached",
    "ci-joint",
    "adjunto",
    "list",
    "liste",
    "lista",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "july",
    "june",
    "august",
    "juillet",
    "juin",
    "août",
    "julio",
    "junio",
    "agosto",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "senior",
    "officer",
    "coordinator",
    "coordinateur",
    "coordinador",
    "coordinadora",
    "head",
    "chef",
    "jefe",
    "jefa",
    "expert",
    "experte",
    "experto",
    "experta",
    "specialist",
    "spécialiste",
    "especialista",
    "advisor",
    "adviser",
    "conseiller",
    "conseillère",
    "asesor",
    "asesora",
    "manager",
    "gestionnaire",
    "analyst",
    "analyste",
    "analista",
    "researcher",
    "chercheur",
    "chercheuse",
    "investigador",
    "investigadora",
    "scientist",
    "technician",
    "technicien",
    "técnico",
    "técnica",
    "assistant",
    "assistante",
    "asistente",
    "deputy",
    "adjoint",
    "adjointe",
    "chief",
    "minister",
    "ministre",
    "ministro",
    "ministra",
    "permanent",
    "secretary",
    "secrétaire",
    "biotechnology",
    "biotechnologie",
    "biotecnología",
}

_TOKEN_EDGE = "\"'“”‘’«»()[]{}<>*_:;,|•·–—-"


def _bare(token: str) -> str:
    return token.strip(".").lower()


def is_honorific(token: str) -> bool:
    if token.lower() in ("d.ª", "dª", "d.a", "dña."):  # Spanish "Doña"
        return True
    word = _bare(token)
    if word not in HONORIFICS:
        return False
    return not (word in _NEEDS_PERIOD and not token.endswith("."))


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


def _is_upper_word(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _recase(token: str) -> str:
    """MWANGI -> Mwangi, JEAN-PIERRE -> Jean-Pierre, O'BRIEN -> O'Brien."""
    pieces = re.split(r"([-'’])", token.lower())
    return "".join(p[:1].upper() + p[1:] if p not in "-'’" else p for p in pieces)


def _has_letters_only(token: str) -> bool:
    return all(c.isalpha() or c in "-'’." for c in token)


def normalise_name(raw: str | None, display_name: bool = False) -> tuple[str | None, str | None]:
    """(name, honorific) from a name as written; name is None when nothing name-like is left.

    ``display_name`` allows the ``Family, Given`` form used in address headers.
    """
    if not raw:
        return None, None
    text = unicodedata.normalize("NFC", raw)
    text = re.sub(r"\s*\([^)]*\)\s*$", "", re.sub(r"\s+", " ", text))  # "Jane Mwangi (MOE)"
    text = text.strip().strip(_TOKEN_EDGE + " ").strip()
    text = POST_NOMINALS.sub("", text).strip(" ,")
    if display_name and text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given and (" " not in family or _is_upper_word(family)):
            text = f"{given} {family}"
    words = text.split()
    while len(words) > 1 and words[0][:1].islower() and not is_honorific(words[0]):
        words.pop(0)  # "el Ing. Luis …", "la Sra. …": articles before a name
    title, text = split_honorifics(" ".join(words))
    tokens = [t.strip(",;:") for t in text.split() if t.strip(",;:")]
    if not tokens or any(not _has_letters_only(t) for t in tokens):
        return None, title
    upper = [_is_upper_word(t) for t in tokens]
    if any(upper) and not all(upper):
        if upper[0]:
            # "SATO Kenji", "NGUYEN Thi Lan": family name written first, in capitals.
            count = upper.index(False)
            tokens = tokens[count:] + tokens[:count]
            upper = upper[count:] + upper[:count]
        tokens = [_recase(t) if u else t for t, u in zip(tokens, upper, strict=True)]
    elif all(upper) or all(t.islower() for t in tokens):
        tokens = [_recase(t) for t in tokens]
    # Particles inside a name read lower-case: "Anna Van Der Berg" -> "Anna van der Berg".
    for index in range(1, len(tokens) - 1):
        word = tokens[index].lower()
        if word not in PARTICLES or not (any(upper) or all(t[:1].isupper() for t in tokens)):
            continue
        if word in _ARTICLES and tokens[index - 1].lower() not in PARTICLES:
            continue
        tokens[index] = word
    name = " ".join(tokens)
    return (name if looks_like_name(name) else None), title


def looks_like_name(text: str | None) -> bool:
    """Whether text reads as a personal name (2–6 words, capitalised, no institution words)."""
    if not text:
        return False
    tokens = text.split()
    if not 1 <= len(tokens) <= 6:
        return False
    capitalised = 0
    for token in tokens:
        bare = token.strip(".,'’").lower()
        if bare in NOT_NAME_WORDS:
            return False
        if not _has_letters_only(token):
            return False
        if token[:1].isupper():
            capitalised += 1
        elif bare not in PARTICLES:
            return False
    if len(tokens) == 1:
        return capitalised == 1 and len(tokens[0]) > 2
    return capitalised >= 2


def name_from_display(display: str | None) -> tuple[str | None, str | None]:
    """(name, honorific) from an address header display name; None when it is not a person's."""
    if not display or "@" in display:
        return None, None
    name, title = normalise_name(display, display_name=True)
    if name and len(name.split()) >= 2:
        return name, title
    return None, title


def same_person(a: str | None, b: str | None) -> bool:
    """Loose comparison of two names (accents, case, order of words ignored)."""
    if not a or not b:
        return False

    def key(value: str) -> set[str]:
        folded = unicodedata.normalize("NFKD", value)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
        return {w for w in re.findall(r"[a-z]+", folded) if len(w) > 1}

    left, right = key(a), key(b)
    return bool(left) and bool(right) and (left <= right or right <= left)
