"""Extraction quality and speed over the labelled corpus (tests/data/nominations).

Prints precision and recall of participant addresses, exact-name accuracy, field
accuracy, kind/event/language accuracy (overall and per language), messages per second
and the ratio to bare mail-parser parsing on the same files, and every message that
misses. ``--corpus DIR`` scores another labelled folder (a new blind batch) instead;
``--record LABEL`` appends its figures to the first-sight history
(``bench/first-sight.json``), which is printed at the end. ``--limits`` adds the
large-attachment and long-PDF memory checks.
Run: ``.venv/bin/python bench/extraction.py [--corpus DIR [--record LABEL]] [--limits]``.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import mailparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.policy.events import load_events  # noqa: E402
from bot.processing.read import read_message  # noqa: E402
from bot.reading.analysis import AnalysisContext  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "nominations"
HISTORY = ROOT / "bench" / "first-sight.json"
RULES = ROOT / "tests" / "data" / "corpus-rules"


@dataclass
class Metrics:
    files: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    names_right: int = 0
    names_total: int = 0
    fields_right: int = 0
    fields_total: int = 0
    kinds_right: int = 0
    events_right: int = 0
    languages_right: int = 0
    withdrawn_right: int = 0
    warnings_right: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    @property
    def name_accuracy(self) -> float:
        return self.names_right / self.names_total if self.names_total else 1.0

    def share(self, count: int) -> float:
        return count / self.files if self.files else 1.0


EVENTS = load_events(RULES)


def corpus_context() -> AnalysisContext:
    return AnalysisContext(
        events=[e.terms for e in EVENTS],
        own_addresses={"secretariat@cbd.int"},
        own_domains={"cbd.int"},
    )


def corpus_files(folder: Path = CORPUS) -> list[Path]:
    return sorted(folder.glob("*.eml"))


def evaluate(files: list[Path] | None = None, by_language: dict | None = None) -> Metrics:
    """Score the files against their labels; ``by_language`` collects the same per language."""
    context = corpus_context()
    metrics = Metrics()
    for path in files or corpus_files():
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        result = read_message(path.read_bytes(), context, EVENTS).as_json(path.name)
        compare(path.name, expected, result, metrics)
        if by_language is not None:
            language = by_language.setdefault(expected["language"], Metrics())
            compare(path.name, expected, result, language)
    return metrics


def figures(metrics: Metrics) -> dict:
    """The headline figures of one scoring, as recorded in the first-sight history."""
    return {
        "files": metrics.files,
        "precision": round(metrics.precision, 4),
        "recall": round(metrics.recall, 4),
        "names": round(metrics.name_accuracy, 4),
        "kind": round(metrics.share(metrics.kinds_right), 4),
        "language": round(metrics.share(metrics.languages_right), 4),
        "event": round(metrics.share(metrics.events_right), 4),
    }


def _line(label: str, values: dict) -> str:
    return (
        f"{label:<16} {values['files']:>4} files  precision {values['precision']:.3f}  "
        f"recall {values['recall']:.3f}  names {values['names']:.3f}  "
        f"kind {values['kind']:.3f}  language {values['language']:.3f}"
    )


def record(label: str, folder: Path, metrics: Metrics, languages: dict) -> None:
    """Append the first-sight figures of a batch to the history kept in the repository."""
    history = json.loads(HISTORY.read_text(encoding="utf-8")) if HISTORY.exists() else []
    history.append(
        {
            "batch": label,
            "folder": folder.name,
            "date": time.strftime("%Y-%m-%d"),
            "overall": figures(metrics),
            "languages": {k: figures(v) for k, v in sorted(languages.items())},
        }
    )
    HISTORY.write_text(json.dumps(history, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_history() -> None:
    if not HISTORY.exists():
        return
    print("first-sight history (each batch scored before any fix made for it):")
    for entry in json.loads(HISTORY.read_text(encoding="utf-8")):
        print("  " + _line(f"{entry['batch']} ({entry['date']})", entry["overall"]))


def compare(name: str, expected: dict, got: dict, metrics: Metrics) -> None:
    metrics.files += 1
    want = {p["email"]: p for p in expected["participants"] if p["email"]}
    have = {p["email"]: p for p in got["participants"] if p["email"]}
    for email in want.keys() & have.keys():
        metrics.true_positive += 1
        metrics.names_total += 1
        if want[email]["name"] == have[email]["name"]:
            metrics.names_right += 1
        else:
            metrics.problems.append(
                f"{name}: name {have[email]['name']!r} != {want[email]['name']!r}"
            )
        for key in ("title", "organization", "country", "source"):
            metrics.fields_total += 1
            if want[email][key] == have[email][key]:
                metrics.fields_right += 1
            else:
                metrics.problems.append(
                    f"{name}: {email} {key} {have[email][key]!r} != {want[email][key]!r}"
                )
    for email in have.keys() - want.keys():
        metrics.false_positive += 1
        metrics.problems.append(f"{name}: unexpected participant {email}")
    for email in want.keys() - have.keys():
        metrics.false_negative += 1
        metrics.problems.append(f"{name}: missed participant {email}")
    checks = (
        ("kind", "kinds_right"),
        ("event", "events_right"),
        ("language", "languages_right"),
        ("withdrawn", "withdrawn_right"),
    )
    for key, counter in checks:
        if expected[key] == got[key]:
            setattr(metrics, counter, getattr(metrics, counter) + 1)
        else:
            metrics.problems.append(f"{name}: {key} {got[key]!r} != {expected[key]!r}")
    if sorted(expected.get("bounced", [])) != sorted(got["bounced"]):
        metrics.problems.append(f"{name}: bounced {got['bounced']} != {expected['bounced']}")
    codes = {w.split(":", 1)[0] for w in got["warnings"]}
    missing = [w for w in expected.get("warnings", []) if w not in codes]
    if missing:
        metrics.problems.append(f"{name}: warnings {sorted(codes)} lack {missing}")
    else:
        metrics.warnings_right += 1
    nameless_want = sorted(p["name"] or "" for p in expected["participants"] if not p["email"])
    nameless_have = sorted(p["name"] or "" for p in got["participants"] if not p["email"])
    if nameless_want != nameless_have:
        metrics.problems.append(f"{name}: names without address {nameless_have} != {nameless_want}")


def throughput(files: list[Path], rounds: int = 3) -> tuple[float, float]:
    """(messages per second through the analysis, the same for bare mailparser parsing)."""
    context = corpus_context()
    blobs = [f.read_bytes() for f in files]

    def timed(function) -> float:
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            for blob in blobs:
                function(blob)
            best = min(best, time.perf_counter() - start)
        return len(blobs) / best

    return timed(lambda b: read_message(b, context, EVENTS)), timed(mailparser.parse_from_bytes)


def _report(metrics: Metrics, languages: dict) -> None:
    print(
        f"corpus: {metrics.files} messages, {metrics.true_positive + metrics.false_negative} "
        "expected participants with an address"
    )
    print(f"participant addresses: precision {metrics.precision:.3f}, recall {metrics.recall:.3f}")
    print(f"exact names: {metrics.name_accuracy:.3f} ({metrics.names_right}/{metrics.names_total})")
    print(
        f"title/organization/country/source: "
        f"{metrics.fields_right / max(metrics.fields_total, 1):.3f}"
    )
    print(
        f"kind accuracy: {metrics.share(metrics.kinds_right):.3f}; event: "
        f"{metrics.share(metrics.events_right):.3f}; language: "
        f"{metrics.share(metrics.languages_right):.3f}; withdrawn: "
        f"{metrics.share(metrics.withdrawn_right):.3f}; warnings: "
        f"{metrics.share(metrics.warnings_right):.3f}"
    )
    print("per language:")
    for language, values in sorted(languages.items()):
        print("  " + _line(language, figures(values)))
    missing = sorted({problem.split(":", 1)[0] for problem in metrics.problems})
    print(f"messages that miss: {len(missing)}" + (f" ({', '.join(missing)})" if missing else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every mismatch")
    parser.add_argument("--limits", action="store_true", help="also run the memory checks")
    parser.add_argument("--corpus", type=Path, help="score this labelled folder instead")
    parser.add_argument("--record", metavar="LABEL", help="append to the first-sight history")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput figures")
    args = parser.parse_args()
    folder = args.corpus or CORPUS
    languages: dict[str, Metrics] = {}
    metrics = evaluate(corpus_files(folder), languages)
    _report(metrics, languages)
    if args.record:
        record(args.record, folder, metrics, languages)
    if not args.no_speed:
        text_only = [
            f for f in corpus_files() if b"Content-Disposition: attachment" not in f.read_bytes()
        ]
        ours, bare = throughput(text_only)
        print(
            f"throughput on {len(text_only)} messages without attachments: {ours:.0f} msg/s "
            f"(bare mailparser.parse_from_bytes: {bare:.0f} msg/s; ratio {bare / ours:.2f}x)"
        )
    if args.verbose:
        for problem in metrics.problems:
            print("  " + problem)
    if args.limits:
        from bench.limits import report as limits_report

        limits_report()
    print_history()
    return 0


if __name__ == "__main__":
    sys.exit(main())
