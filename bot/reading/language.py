"""The language a sender wrote in (ISO 639-1), to answer in it: the last step of reading.

``analysis`` hands it the subject and the sender's own words (forwarded text too when
they wrote very little). Addresses, links and numbers are taken out first: they say
nothing of a language. Then, surest first:

1. a language with a script of its own (Arabic, Cyrillic, Chinese, Korean: ``script`` in
   the language files) is recognised by the share of its letters, so Latin names and
   signatures inside Arabic or Chinese text do not count;
2. Latin-script text goes to py3langid, a character n-gram model that ships inside its
   package, restricted to the languages the language files know by their stop words
   (English, French, Spanish, Portuguese); its guess is taken when it is sure
   (``SURE``): it reads a greeting and one sentence ("Bonjour, ci-joint la liste.")
   where stop words are too few or shared;
3. otherwise the distinctive stop words of the language files decide (a tie goes to the
   default), and without a single one the model's guess if it is likely (``LIKELY``),
   else the default (names only, "OK").

``heuristic_language`` is the reader's detector before the model (steps 1 and 3), kept
to measure against: ``bench/language.py`` scores both, py3langid alone and lingua over
the labelled corpora and short samples. The model is read on first use (about 0.3 s and
45 MiB resident, once per process; then 0.1 ms for a short message, 0.5 ms on average
for the corpus messages).
"""

import lzma
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from bot.reading.lexicon import lexicon
from bot.text import fold_accents

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

_WORDS = re.compile(r"[a-zñç']+")
# Frequent words, accent-folded, that are distinctive for each language.
STOPWORDS = lexicon().stopwords()
# Languages written in a script of their own, with its Unicode ranges.
_SCRIPTS = [
    (
        code,
        re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"),
        weight,
    )
    for code, ranges, weight in lexicon().scripts()
]
SCRIPT_SHARE = 0.3
SAMPLE = 20000
# The model reads the start: a few sentences say the language (its cost grows with length).
MODEL_SAMPLE = 2000
# The model's probability (among the Latin languages) above which its guess is taken.
SURE = 0.7
# Without a single stop word, its guess is still taken above this.
LIKELY = 0.5
# What says nothing of a language: addresses, links, numbers.
# (ASCII only: Chinese is written without spaces, so "\S+@\S+" would take the sentence.)
_NOISE = re.compile(r"[!-~]+@[!-~]+|(?:https?://|www\.)[!-~]+|\d+")
# A model: (language, probability) of a Latin-script text, or (None, 0).
Model = Callable[[str], tuple[str | None, float]]


def by_script(sample: str) -> str | None:
    """The language whose own script holds more than ``SCRIPT_SHARE`` of the letters, a
    character of a script that writes a syllable with one (Chinese) counting as several."""
    letters = sum(1 for c in sample if c.isalpha())
    shares = []
    for code, pattern, weight in _SCRIPTS:
        own = len(pattern.findall(sample))
        weighed = letters + own * (weight - 1)
        shares.append((own * weight / weighed if weighed else 0.0, code))
    share, code = max(shares, default=(0.0, None))
    return code if share > SCRIPT_SHARE else None


def _stopwords(sample: str) -> Counter[str]:
    """How many distinctive words of each language the sample holds."""
    scores: Counter[str] = Counter()
    for word in _WORDS.findall(fold_accents(sample)):
        for code, vocabulary in STOPWORDS.items():
            if word in vocabulary:
                scores[code] += 1
    return scores


def by_stopwords(sample: str, default: str) -> str:
    """The language with most distinctive words; a tie goes to the default when it is one
    of the tied, else to the language seen first; no word at all, the default."""
    scores = _stopwords(sample)
    if not scores:
        return default
    (best, best_score), *rest = scores.most_common()
    if rest and rest[0][1] == best_score:
        return default if default in (best, rest[0][0]) else best
    return best


def heuristic_language(text: str, default: str = "en") -> str:
    """Script, then stop words, on the text as it is: the reader's detector before the
    model, kept to measure against."""
    sample = text[:SAMPLE]
    return by_script(sample) or by_stopwords(sample, default)


@cache
def _identifier() -> "LanguageIdentifier":
    """py3langid's model, restricted to the Latin-script languages known by their words;
    imported and loaded on first use, so that reading nothing costs nothing.

    Loaded here rather than by ``LanguageIdentifier.from_model_file``, which keeps the
    whole 142-language table beside the restricted one and copies the automaton into a
    second array: one array at a time is read from the model file, the table is cut to
    our languages at once and the automaton is used in place (``memoryview``), so the
    model costs about 45 MiB resident instead of 86, with a load peak about as high.
    """
    import numpy
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    with tempfile.TemporaryFile(suffix=".npz") as unpacked:
        with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
            shutil.copyfileobj(packed, unpacked, length=1 << 20)
        unpacked.seek(0)
        with numpy.load(unpacked, allow_pickle=False) as model:
            labels = model["classes"].tolist()
            kept = [i for i, label in enumerate(labels) if label in STOPWORDS]
            table = numpy.ascontiguousarray(model["ptc"][:, kept])
            priors = model["pc"][kept]
            automaton = memoryview(numpy.ascontiguousarray(model["nextmove"]))
            rows = model["nextmove_row"].tolist()
            outputs = memoryview(numpy.ascontiguousarray(model["out_feat"]))
    return LanguageIdentifier(table, priors, [labels[i] for i in kept], automaton, outputs,
                              norm_probs=True, tk_row=rows)  # fmt: skip


def by_model(sample: str) -> tuple[str | None, float]:
    """(language, probability) by the model, or (None, 0) for text without letters."""
    if not any(c.isalpha() for c in sample):
        return None, 0.0
    language, probability = _identifier().classify(sample)
    return language, probability


def detect_language(text: str, default: str = "en", *, model: Model = by_model) -> str:
    """ISO 639-1 code of the text's language (en, fr, es, pt, ar, ru, zh, ko). ``model``
    is py3langid's; ``bench/language.py`` passes another to compare."""
    sample = _NOISE.sub(" ", text[:SAMPLE])
    script = by_script(sample[:MODEL_SAMPLE * 2])
    if script:
        return script
    language, probability = model(sample[:MODEL_SAMPLE])
    if language and probability >= SURE:
        return language
    if language and probability >= LIKELY and not _stopwords(sample):
        return language  # no stop word to go by: the model's likely guess
    return by_stopwords(sample, default)
