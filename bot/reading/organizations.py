"""Institutions written beside a person: "Ministry of Environment", "INIA", "Université …".

A segment of a line names an institution when it is capitalised, holds an institution
word in English, French or Spanish, and is neither a sentence nor a job title ("Head of
Laboratory Section" is a position, not a laboratory).
"""

import re

from bot.text import squeeze

INSTITUTION = re.compile(
    r"\b(ministr|minist[eè]re|ministerio|universit|institut|agen[cz]|department|d[ée]partement|"
    r"departamento|authorit|autorit|autoridad|office|bureau|oficina|cent(re|er|ro)|council|"
    r"conseil|consejo|commission|comisi[oó]n|service|servicio|direction|direcci[oó]n|"
    r"secretar|network|r[ée]seau|\bred\b|association|asociaci[oó]n|foundation|fondation|"
    r"fundaci[oó]n|programme|program|programa|laborator|organi[sz]ation|organizaci[oó]n|"
    r"committee|comit[ée]|academy|acad[ée]mie|academia|college|coll[eè]ge|colegio|"
    r"observatory|museum|mus[ée]e|museo|society|soci[ée]t[ée]|sociedad|board|agency|"
    r"embassy|ambassade|embajada|division|unit[ée]?|unidad|corporation|corporaci[oó]n)",
    re.I,
)
# A segment that opens with a job title names a position, not an institution
# ("Head of Laboratory Section", "Jefe de Servicio de Bioseguridad").
_POSITION = re.compile(
    r"^(senior |junior |principal |chief |deputy |assistant |acting |associate |regional |"
    r"national |programme |program |technical |agricultural |environmental |biosafety |"
    r"scientific |research )*(head|director|directeur|directrice|directora?|chief|officer|"
    r"manager|coordinator|coordinat(eur|rice)|coordinador[a]?|adviser|advisor|"
    r"conseill(er|[èe]re)|asesor[a]?|consultant|analyst|analyste|analista|specialist|"
    r"sp[ée]cialiste|especialista|expert[ae]?|experto|researcher|chercheur|chercheuse|"
    r"investigador[a]?|scientist|lecturer|professor|professeur|profesor[a]?|engineer|"
    r"ing[ée]nieur|technician|technicien(ne)?|t[ée]cnic[oa]|jef[ea]|chef|responsable|"
    r"charg[ée]e?|sous-direct|subdirector[a]?|secretary|secr[ée]taire|president|"
    r"pr[ée]sident|presidente|assistant|asistente|attach[ée]|agent|inspector|inspecteur)\b",
    re.I,
)
# Words that show a segment is a sentence, not the name of an institution.
_PROSE = re.compile(
    r"\b(nominat|designat|d[ée]sign|nomin|please|veuillez|s[ií]rvase|would|will|est|son|are|is|"
    r"estimad|dear|cher|ch[èe]re)\w*\b",
    re.I,
)
_LEADING_PREPOSITION = re.compile(r"^(of|from|at|du|de la|de l'|del|de)\s+", re.I)


def institution(segment: str) -> str | None:
    """The segment as an institution's name, or None when it does not read as one."""
    segment = squeeze(segment).strip(" ,;:-–—|()")
    if not segment or len(segment) > 120 or "@" in segment:
        return None
    segment = _LEADING_PREPOSITION.sub("", segment)
    if (
        segment[:1].isupper()
        and INSTITUTION.search(segment)
        and not _PROSE.search(segment)
        and not _POSITION.match(segment)
    ):
        return segment
    return None


def first_institution(segments: list[str]) -> str | None:
    """The first of the segments that names an institution."""
    for segment in segments:
        organization = institution(segment)
        if organization:
            return organization
    return None
