"""The language a sender wrote in: script first (Arabic, Cyrillic, CJK), then stop words.

A small, predictable heuristic is enough for the languages replies are written in
(en, fr, es) and it costs microseconds; text in other Latin-script languages falls back
to the closest of those or to the event's default.
"""

import re
from collections import Counter

from bot.text import fold_accents

_WORDS = re.compile(r"[a-zñç']+")
# Frequent words, accent-folded, that are distinctive for each language.
STOPWORDS = {
    "en": set(
        "the and of to is for we please find below our with this that would be are our "
        "you your i am pleased nominate following kind regards dear thank thanks attached "
        "participants participant will have has been as from at by on it which who "
        "register hereby forum online colleagues sincerely best".split()
    ),
    "fr": set(
        "le la les des et du pour nous vous est une avec dans ci-dessous veuillez madame "
        "monsieur cordialement je suis au aux sur par qui que ne pas votre notre ce cette "
        "salutations mes sont il elle ont ete l'honneur d'informer trouver participera "
        "participeront suite merci bien".split()
    ),
    "es": set(
        "el los las y del para por nosotros con una en es que su estimado estimada "
        "estimados saludos atentamente solicito adjunto al se le lo mi sus como este esta "
        "nuestro nuestra muy usted ustedes participara participaran gracias cordial "
        "cordiales remito hacemos informo seguimiento".split()
    ),
    "pt": set(
        "o os as e para com uma um nao voce atenciosamente prezado prezada do da dos das "
        "em que obrigado obrigada segue seguem nosso nossa".split()
    ),
}
_SCRIPTS = (
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
)


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language (en, fr, es, pt, ar, ru, zh)."""
    sample = text[:20000]
    letters = sum(1 for c in sample if c.isalpha()) or 1
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) / letters > 0.3:
            return code
    words = _WORDS.findall(fold_accents(sample))
    scores: Counter[str] = Counter()
    for word in words:
        for code, vocabulary in STOPWORDS.items():
            if word in vocabulary:
                scores[code] += 1
    if not scores:
        return default
    (best, best_score), *rest = scores.most_common()
    if rest and rest[0][1] == best_score:
        return default if default in (best, rest[0][0]) else best
    return best
