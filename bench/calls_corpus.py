"""Call classification measured on the corpus from outside (data/calls/corpus.csv).

Not a timed test: `classify_text` with the bundled program's rules is asked about every
utterance, and its verdicts are compared with the labels, separately for the `dev` split
(which tuning and training may use) and the `heldout` split (which nothing may be tuned on;
whole sites are on one side, see data/calls/README.md). Reported per split: per-category
precision and recall, overall accuracy (the exact category), exempt-topic recall (an
utterance labelled with one of the four exempt topics gets a verdict that does not count,
whichever exempt topic it names) and the share of `other` utterances wrongly exempted.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selfcare.domain import calls
from selfcare.domain.program import BUILTIN_CATEGORIES, OTHER, CallRules
from selfcare.program.load import bundled_example

CORPUS = Path(__file__).resolve().parent.parent / "data" / "calls" / "corpus.csv"
CATEGORIES = (*BUILTIN_CATEGORIES, OTHER)
TARGETS = {"exempt_recall": 0.98, "accuracy": 0.95, "other_wrongly_exempt": 0.10}
SHOWN_ERRORS = 40


@dataclass(frozen=True)
class Utterance:
    text: str
    language: str
    label: str
    source_id: str
    split: str


def load(path: Path = CORPUS) -> list[Utterance]:
    """The corpus rows, as written (no filtering: every row is measured)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Utterance(r["text"], r["language"], r["label"], r["source_id"], r["split"])
            for r in csv.DictReader(handle)
        ]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def per_category(pairs: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Precision and recall of each category over (label, predicted) pairs."""
    result = {}
    for name in CATEGORIES:
        hits = sum(1 for label, got in pairs if label == got == name)
        labelled = sum(1 for label, _ in pairs if label == name)
        predicted = sum(1 for _, got in pairs if got == name)
        result[name] = {
            "support": labelled,
            "precision": _ratio(hits, predicted),
            "recall": _ratio(hits, labelled),
        }
    return result


def evaluate(utterances: list[Utterance], rules: CallRules) -> dict[str, Any]:
    """The figures for one split, with the wrongly classified utterances listed."""
    verdicts = [calls.classify_text(u.text, rules=rules) for u in utterances]
    pairs = [(u.label, v.category) for u, v in zip(utterances, verdicts, strict=True)]
    exempt = [v for u, v in zip(utterances, verdicts, strict=True) if u.label != OTHER]
    others = [v for u, v in zip(utterances, verdicts, strict=True) if u.label == OTHER]
    errors = [
        {"text": u.text, "label": u.label, "got": v.category, "counts": v.counts}
        for u, v in zip(utterances, verdicts, strict=True)
        if u.label != v.category
    ]
    flagged = sum(1 for v in verdicts if v.benefit_of_the_doubt)
    return {
        "utterances": len(utterances),
        "languages": dict(Counter(u.language for u in utterances)),
        "sites": len({u.source_id for u in utterances}),
        "accuracy": _ratio(sum(1 for label, got in pairs if label == got), len(pairs)),
        "exempt_recall": _ratio(sum(1 for v in exempt if not v.counts), len(exempt)),
        "other_wrongly_exempt": _ratio(sum(1 for v in others if not v.counts), len(others)),
        "benefit_of_the_doubt_verdicts": flagged,
        "per_category": per_category(pairs),
        "errors": errors[:SHOWN_ERRORS],
        "errors_total": len(errors),
    }


def targets_met(figures: dict[str, Any]) -> dict[str, bool]:
    """The issue's targets, judged on one split's figures."""
    return {
        "exempt_recall": figures["exempt_recall"] >= TARGETS["exempt_recall"],
        "accuracy": figures["accuracy"] >= TARGETS["accuracy"],
        "other_wrongly_exempt": figures["other_wrongly_exempt"] <= TARGETS["other_wrongly_exempt"],
    }


def measure() -> dict[str, Any]:
    """Both splits with the bundled program's rules; targets judged on held-out."""
    corpus = load()
    rules = bundled_example().calls
    splits = {
        name: evaluate([u for u in corpus if u.split == name], rules) for name in ("dev", "heldout")
    }
    return {
        "corpus": str(CORPUS.relative_to(CORPUS.parents[2])),
        "targets": TARGETS,
        "heldout_targets_met": targets_met(splits["heldout"]),
        "splits": splits,
    }


def summary(document: dict[str, Any]) -> str:
    """A table for the terminal: per-category precision/recall and the headline figures."""
    lines = []
    for name, figures in document["splits"].items():
        lines.append(
            f"{name}: {figures['utterances']} utterances from {figures['sites']} sites; "
            f"accuracy {figures['accuracy']:.1%}, exempt recall {figures['exempt_recall']:.1%}, "
            f"other wrongly exempt {figures['other_wrongly_exempt']:.1%}"
        )
        for category, row in figures["per_category"].items():
            precision = "-" if row["precision"] is None else f"{row['precision']:.1%}"
            lines.append(
                f"  {category:<20} n={row['support']:<4} precision {precision:>6}  "
                f"recall {row['recall']:.1%}"
            )
    met = document["heldout_targets_met"]
    verdicts = (f"{name} {'met' if ok else 'MISSED'}" for name, ok in met.items())
    lines.append("held-out targets: " + ", ".join(verdicts))
    return "\n".join(lines)
