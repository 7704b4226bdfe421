"""Language detection measured over the labelled corpora: the reader's detector against
today's stop-word heuristic and the libraries.

For every labelled message of ``tests/data/nominations`` (``NAME.json`` gives its
``language``), the text the reader hands to the
detector is taken from the reader itself (``bot.reading.analysis`` read through
``read_message``, its call to ``detect_language`` watched). Scored on that text, and on
short messages cut from it: the sender's first 3, 6 and 12 words (the text after the
subject line), and the hand-written sentences of ``tests/reading/test_language_detection``.
Methods: the heuristic (script, then stop words), py3langid and lingua restricted to the
seven reply languages plus those the labels hold, lingua's low-accuracy mode, the
reader's ``detect_language`` (script, py3langid on Latin text, then stop words) and the
same steps with lingua in place of py3langid. Prints accuracy overall and per language,
the time per message, the import/model-load time and resident memory of each (each in a
fresh interpreter), and the misses. Run: ``.venv/bin/python bench/language.py [--no-misses]``.
"""

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The labelled corpus, blind batches included once they read as labelled.
CORPORA = [ROOT / "tests" / "data" / "nominations"]
REPLY_LANGUAGES = ("ar", "en", "es", "fr", "pt", "ru", "zh")
LATIN = ("en", "es", "fr", "pt")
WINDOWS = (3, 6, 12)
WARM_UP = "Bonjour, ci-joint la liste."
DEFAULT = "en"

Detector = Callable[[str], str]


@dataclass(frozen=True)
class Sample:
    name: str
    label: str
    text: str


# ---- the methods: each factory imports and loads what it needs -----------------------


def heuristic(codes: list[str]) -> Detector:
    from bot.reading.language import heuristic_language

    return lambda text: heuristic_language(text, DEFAULT)


def reader(codes: list[str]) -> Detector:
    from bot.reading.language import detect_language

    return lambda text: detect_language(text, DEFAULT)


def py3langid(codes: list[str]) -> Detector:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(codes)
    return lambda text: identifier.classify(text)[0]


def _lingua_detector(codes: list[str], low_accuracy: bool):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def _lingua(codes: list[str], low_accuracy: bool = False) -> Detector:
    detector = _lingua_detector(codes, low_accuracy)

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else DEFAULT

    return detect


def lingua(codes: list[str]) -> Detector:
    return _lingua(codes)


def lingua_low(codes: list[str]) -> Detector:
    return _lingua(codes, low_accuracy=True)


def reader_lingua(codes: list[str]) -> Detector:
    """The reader's steps with lingua (on en/es/fr/pt) in place of py3langid."""
    from bot.reading.language import detect_language

    detector = _lingua_detector(list(LATIN), low_accuracy=False)

    def model(sample: str) -> tuple[str | None, float]:
        if not any(c.isalpha() for c in sample):
            return None, 0.0
        best = detector.compute_language_confidence_values(sample)[0]
        return best.language.iso_code_639_1.name.lower(), best.value

    return lambda text: detect_language(text, DEFAULT, model=model)


METHODS: dict[str, tuple[str, Callable[[list[str]], Detector]]] = {
    "heuristic": ("(a) today's: script, then stop words", heuristic),
    "py3langid": ("(b) py3langid, the languages below", py3langid),
    "lingua": ("(c) lingua, the languages below, high accuracy", lingua),
    "lingua-low": ("(c') lingua, the same, low-accuracy mode", lingua_low),
    "reader": ("(d) bot.reading.language: script, py3langid (en/es/fr/pt), stop words", reader),
    "reader+lingua": ("(d') the same steps with lingua in place of py3langid", reader_lingua),
}


# ---- what the reader gives the detector ------------------------------------------------


def reader_texts(folders: list[Path]) -> list[Sample]:
    """One sample per labelled message: the text ``analysis`` passed to the detector."""
    import bot.reading.analysis as analysis
    from bench.extraction import EVENTS, corpus_context
    from bot.processing.read import read_message

    context, seen, samples = corpus_context(), [], []
    real = analysis.detect_language

    def watch(text: str, default: str = DEFAULT) -> str:
        seen.append(text)
        return real(text, default)

    with mock.patch.object(analysis, "detect_language", watch):
        for folder in folders:
            for path in sorted(folder.glob("*.eml")):
                label = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
                seen.clear()
                read_message(path.read_bytes(), context, EVENTS)
                samples.append(Sample(path.name, label["language"], seen[-1] if seen else ""))
    return samples


def first_words(samples: list[Sample], count: int) -> list[Sample]:
    """The sender's first ``count`` words: the text after the subject line, cut."""
    cut = []
    for sample in samples:
        own = sample.text.partition("\n")[2].split()[:count]
        if own:
            cut.append(Sample(sample.name, sample.label, " ".join(own)))
    return cut


def sentences() -> list[Sample]:
    from tests.reading.test_language_detection import MIXED, SENTENCES

    cases = [("sentence", *case) for case in SENTENCES] + [("mixed", *case) for case in MIXED]
    return [Sample(f"{kind} {i + 1}", label, text) for i, (kind, text, label) in enumerate(cases)]


# ---- cost: import and model load in a fresh interpreter ---------------------------------


def _memory() -> dict[str, float]:
    """Resident set and its peak, in MiB (from /proc/self/status)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def load_cost(method: str, codes: list[str]) -> dict:
    """Run in a child: import, load the model, classify once; time and memory taken."""
    before = _memory()
    start = time.perf_counter()
    detect = METHODS[method][1](codes)
    detect(WARM_UP)
    seconds = time.perf_counter() - start
    after = _memory()
    return {
        "seconds": seconds,
        "rss": after["VmRSS"] - before["VmRSS"],
        "peak": after["VmHWM"],
        "base": before["VmRSS"],
    }


def measured_load(method: str, codes: list[str]) -> dict | None:
    command = [sys.executable, __file__, "--load", method, "--codes", ",".join(codes)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode:
        print(f"  {method}: not measured ({done.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(done.stdout)


# ---- scoring ---------------------------------------------------------------------------


@dataclass
class Score:
    right: int = 0
    total: int = 0
    seconds: float = 0.0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def share(self) -> str:
        return f"{self.right / self.total:.3f}" if self.total else "  -  "


def score(detect: Detector, samples: list[Sample]) -> tuple[dict[str, Score], list[str]]:
    """Accuracy overall ("all") and per label, and the misses written out."""
    scores: dict[str, Score] = {"all": Score()}
    misses = []
    for sample in samples:
        start = time.perf_counter()
        got = detect(sample.text)
        scores["all"].seconds += time.perf_counter() - start
        ok = got == sample.label
        scores["all"].add(ok)
        scores.setdefault(sample.label, Score()).add(ok)
        if not ok:
            text = " ".join(sample.text.split())
            misses.append(f"{sample.name}: {got} != {sample.label}  {text[:70]!r}")
    return scores, misses


def print_table(title: str, results: dict[str, dict[str, Score]], labels: list[str]) -> None:
    print(f"\n{title}")
    print(f"  {'method':<14} {'all':>6} " + " ".join(f"{c:>5}" for c in labels) + "   µs/msg")
    for method, scores in results.items():
        total = scores["all"]
        per = " ".join(f"{scores[c].share() if c in scores else '  -  ':>5}" for c in labels)
        micro = total.seconds / max(total.total, 1) * 1e6
        print(f"  {method:<14} {total.share():>6} {per}   {micro:8.0f}")
    counts = {c: next(iter(results.values())).get(c, Score()).total for c in labels}
    print("  samples        " + " ".join(f"{counts[c]:>5}" for c in labels))


def available(codes: list[str]) -> dict[str, Detector]:
    detectors = {}
    for method, (_, factory) in METHODS.items():
        try:
            detectors[method] = factory(codes)
        except ImportError as error:
            print(f"{method}: not installed ({error})")
    return detectors


def print_costs(methods: list[str], codes: list[str]) -> None:
    print("\nimport + model load + one call, each in a fresh interpreter:")
    print(f"  {'method':<14} {'seconds':>8} {'RSS +MiB':>9} {'peak MiB':>9}")
    for method in methods:
        cost = measured_load(method, codes)
        if cost:
            print(
                f"  {method:<14} {cost['seconds']:8.3f} {cost['rss']:9.1f} {cost['peak']:9.1f}"
                f"   (interpreter before: {cost['base']:.1f} MiB)"
            )


def run(show_misses: bool) -> None:
    started = time.perf_counter()
    messages = reader_texts(CORPORA)
    print(f"{len(messages)} labelled messages read in {time.perf_counter() - started:.1f} s")
    labels = sorted({s.label for s in messages} | set(REPLY_LANGUAGES))
    print(f"languages of the libraries: {', '.join(labels)}")
    for method, (description, _) in METHODS.items():
        print(f"  {method:<14} {description}")
    detectors = available(labels)
    short = [s for n in WINDOWS for s in first_words(messages, n)]
    sets = {"messages as read": messages}
    sets |= {f"first {n} words": first_words(messages, n) for n in WINDOWS}
    sets |= {"short (3+6+12 words)": short, "hand-written sentences": sentences()}
    misses: dict[tuple[str, str], list[str]] = {}
    for title, samples in sets.items():
        results = {}
        for method, detect in detectors.items():
            results[method], misses[(title, method)] = score(detect, samples)
        print_table(f"{title} ({len(samples)}):", results, labels)
    print_costs(list(detectors), labels)
    if show_misses:
        for (title, method), lines in misses.items():
            if lines and not title.startswith("short"):
                print(f"\nmisses, {title}, {method} ({len(lines)}):")
                print("\n".join("  " + line for line in lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-misses", action="store_true", help="do not list the misses")
    parser.add_argument("--load", choices=list(METHODS), help=argparse.SUPPRESS)
    parser.add_argument("--codes", default=",".join(REPLY_LANGUAGES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load_cost(args.load, args.codes.split(","))))
        return 0
    run(not args.no_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
