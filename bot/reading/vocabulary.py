"""Words the extractor recognises, in English, French and Spanish.

Field labels (``Nom :``, ``Correo electrónico:``), table column headers, and the cue
phrases that tell a nomination from a withdrawal, a self-nomination, nominees in copy
or a colleague copied for information. Matching is done on accent-folded lower case.
"""

import re

from bot.text import fold_accents

# Field/column kinds -> labels (accent-folded, lower-case, without the colon).
LABELS: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "e-mail",
        "e mail",
        "mail",
        "email address",
        "e-mail address",
        "courriel",
        "adresse courriel",
        "adresse electronique",
        "adresse e-mail",
        "adresse email",
        "correo",
        "correo electronico",
        "correo-e",
        "email/courriel",
        "courriel/email",
        "direccion de correo",
        "direccion de correo electronico",
        "e-mail/courriel",
        "correo e",
        "email id",
    ),
    "first": (
        "first name",
        "given name",
        "given names",
        "first names",
        "forename",
        "prenom",
        "prenoms",
        "nombre",
        "nombres",
        "primer nombre",
    ),
    "last": (
        "last name",
        "family name",
        "surname",
        "nom de famille",
        "apellido",
        "apellidos",
        "last names",
        "family names",
    ),
    "name": (
        "name",
        "full name",
        "participant",
        "participant name",
        "name of participant",
        "nom",
        "nom complet",
        "nom et prenom",
        "nom et prenoms",
        "prenom et nom",
        "nom du participant",
        "nom de la participante",
        "nombre completo",
        "nombre y apellido",
        "nombre y apellidos",
        "nombre del participante",
        "names",
        "participante",
        "nominee",
        "nominee name",
        "candidate",
        "expert",
        "name and surname",
    ),
    "title": (
        "title",
        "salutation",
        "position",
        "job title",
        "designation",
        "titre",
        "fonction",
        "poste",
        "titulo",
        "tratamiento",
        "cargo",
        "puesto",
        "position/title",
        "title/position",
        "function",
    ),
    "organization": (
        "organization",
        "organisation",
        "institution",
        "agency",
        "affiliation",
        "organisme",
        "organismo",
        "institucion",
        "entidad",
        "ministry",
        "ministere",
        "ministerio",
        "organization/institution",
        "institution/organisation",
        "dependencia",
        "employer",
    ),
    "country": ("country", "pays", "pais", "nationality", "nationalite", "nacionalidad"),
    "ignore": (
        "no",
        "no.",
        "#",
        "n",
        "n°",
        "nº",
        "no de",
        "phone",
        "tel",
        "tel.",
        "telephone",
        "telefono",
        "mobile",
        "fax",
        "gender",
        "sex",
        "sexe",
        "genero",
        "sexo",
        "remarks",
        "observations",
        "observaciones",
        "comments",
    ),
}
_LABEL_INDEX = {label: kind for kind, labels in LABELS.items() for label in labels}


def label_kind(text: str) -> str | None:
    """The kind of a field label or column header, or None if it is not one we know."""
    key = fold_accents(text).strip().strip(":：*").strip()
    key = re.sub(r"\((s|es|a|as|e|es)\)", "", key)  # "Prénom(s)", "Apellido(s)"
    key = re.sub(r"\s+", " ", key)
    return _LABEL_INDEX.get(key)


# A labelled field at the start of a line: "Name: …", "Correo electrónico : …".
_LABEL_WORDS = sorted(
    {label for labels in LABELS.values() for label in labels if len(label) > 2},
    key=len,
    reverse=True,
)
_ACCENTED = {
    "a": "aáàâä",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôö",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
}


def _accent_blind(word: str) -> str:
    """A regex for ``word`` that also matches it written with accents."""
    return "".join(
        f"[{_ACCENTED[ch]}]" if ch in _ACCENTED else re.escape(ch) for ch in word
    ).replace(r"\ ", r"\s+")


FIELD_LINE = re.compile(
    r"^\s*(?:[-*•·]\s*)?("
    + "|".join(_accent_blind(w) for w in _LABEL_WORDS)
    + r")\s*[:：]\s*(.*)$",
    re.I,
)


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


# Cues are matched on accent-folded lower-case text.
# Words that say someone is being put forward, strong enough on their own.
NOMINATION = _cue(
    r"\bnominat",
    r"\bdesignat",
    r"\bdesign(a|an|amos|o|ado|ada|ados|adas|acion|aciones|e|es|ent|ons|er|ez|ation|ations|ee|ees)\b",
    r"\bnombr(a|an|amos|o|ado|ada|ados|adas)\b",
    r"\bnomin(ar|o|a|an|amos|acion|aciones|ado|ada|ados|adas|e|es|ent|ee|ees|er|ons|ation)\b",
    r"\binscri(re|ption|bir|pcion|ba|ban)",
    r"\bregister (the|him|her|them|our|these|those|my|as)\b",
    r"\bregistration of\b",
    r"\bpostul(ar|amos|o|a|e|er)\b",
    r"\bproponemos\b",
    r"\bcandidat(ure|ures|s|e|es)\b",
    r"\bcandidatura",
)
# Words that fit a nomination but also much other mail: they count only beside a
# reference to, or the keywords of, a call for nominations.
PARTICIPATION = _cue(
    r"\bparticipant",
    r"\b(take|taking) part\b",
    r"\bprendre part\b",
    r"\bparticip(er|ar|ate|ation|acion|era|ara)\b",
    r"\battend\b",
)
WITHDRAWAL = _cue(
    r"\bwithdraw",
    r"\bcancel+(ed|ing)?\b.{0,40}\b(registration|nomination|participation)",
    r"\bno longer\b.{0,30}\b(attend|participate|available|be able)",
    r"\bunable to (attend|participate)",
    r"\bwill not be able to (attend|participate)",
    r"\bcannot attend\b",
    r"\bretir(er|ez|ons|ar|e|o|amos)\b",
    r"\bretrait\b",
    r"\bannul",
    r"\bne (pourra|peut) (plus|pas)",
    r"\bya no (podra|puede)",
    r"\bno podra (participar|asistir)",
    r"\bcancel(ar|e|amos)\b",
    r"\bdar de baja\b",
    r"\bse desist",
)
SELF_NOMINATION = _cue(
    r"\b(nominate|register|enrol+|inscribe) myself\b",
    r"\bmyself and\b",
    r"\bi(?: would|'d|'m| am)?(?: very much| really| also)? (like|wish|want|intend|plan|keen"
    r"|interested) (to|in) (participate|participating|attend|attending|take part|taking part"
    r"|join|register)",
    r"\bi will (participate|attend|take part|join)\b",
    r"\b(nominate|register|designate|include) me\b",
    r"\bmy (own )?(participation|registration|nomination)\b",
    r"\bme (designe|propose|inscri|nomme)",
    r"\bmoi-meme\b",
    r"\bje (souhaite|souhaiterais|voudrais|desire|vais|aimerais) (vivement )?"
    r"(participer|m'inscrire|prendre part)",
    r"\bje participerai\b",
    r"\bma (propre )?(participation|candidature)\b",
    r"\b(me|nos) (gustaria|interesa|encantaria) (mucho )?(participar|inscribirme|registrarme)",
    r"\b(deseo|quisiera|quiero|solicito) (participar|inscribirme|registrarme|ser nominad)",
    r"\bparticipare\b",
    r"\bmi (propia )?(participacion|candidatura|postulacion)\b",
    r"\binscribirme\b",
    r"\byo mism[oa]\b",
    r"\bnominar(me|nos)\b",
)
NOMINEES_IN_COPY = _cue(
    r"\b(are|is|been|were|have been|has been)\s+(copied|cc'?d|in cc|in copy|copied in)\b",
    r"\bin (copy|cc)\b",
    r"\b(copied|cc'?d) (on|in) (this|the) (e-?mail|message)",
    r"\ben copie\b",
    r"\ben cc\b",
    r"\bsont copie",
    r"\ben copia\b",
    r"\bcopiad[oa]s?\b",
    r"\bcon copia\b",
)
FOR_INFORMATION = _cue(
    r"\bfor (your )?info(rmation)?\b",
    r"\bfyi\b",
    r"\bpour (votre )?info(rmation)?\b",
    r"\bpara (su )?(informacion|conocimiento)\b",
    r"\bfor (his|her|their) (information|records)\b",
    r"\bpour (sa|leur) information\b",
    r"\bpara (su|sus) (fines|archivos)\b",
)
CONTACT = _cue(
    r"\bcontact\b",
    r"\bcontacter\b",
    r"\bcontactar\b",
    r"\bquestions?\b",
    r"\bqueries\b",
    r"\b(my|our|his|her) assistant\b",
    r"\b(mon|ma|notre|son|sa) assistante?\b",
    r"\b(mi|nuestra|nuestro|su) asistente\b",
    r"\breach (me|us)\b",
    r"\bjoindre\b",
    r"\breply (to|with)\b",
    r"\bwrite to\b",
    r"\bsend (your|us|it)\b",
    r"\bsubmit\b",
    r"\bunsubscribe\b",
    r"\bdesabonner\b",
    r"\bdarse de baja\b",
)


def folded(text: str) -> str:
    return fold_accents(text)
