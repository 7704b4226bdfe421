"""The language a sender wrote in: script first (Arabic, Cyrillic, Chinese, Korean), then
stop words.

Both come from the language files (``lexicon``): a language with a script of its own is
recognised by the share of its letters, the others by their distinctive frequent words.
A small, predictable heuristic is enough for the languages replies are written in, and
it costs microseconds; text in other languages falls back to the closest or the default.
"""

import re
from collections import Counter

from bot.reading.lexicon import lexicon
from bot.text import fold_accents

_WORDS = re.compile(r"[a-zñç']+")
# Frequent words, accent-folded, that are distinctive for each language.
STOPWORDS = lexicon().stopwords()
# Languages written in a script of their own, with its Unicode ranges.
_SCRIPTS = [
    (code, re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"))
    for code, ranges in lexicon().scripts()
]
SCRIPT_SHARE = 0.3


def _by_script(sample: str) -> str | None:
    letters = sum(1 for c in sample if c.isalpha()) or 1
    shares = [(len(pattern.findall(sample)) / letters, code) for code, pattern in _SCRIPTS]
    share, code = max(shares, default=(0.0, None))
    return code if share > SCRIPT_SHARE else None


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language (en, fr, es, pt, ar, ru, zh, ko)."""
    sample = text[:20000]
    script = _by_script(sample)
    if script:
        return script
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
