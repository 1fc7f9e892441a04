"""How well the lexicon reads real customer words: precision and recall on a labelled set.

`utterances.csv` (225 rows) and `utterances_holdout.csv` (69 rows) are German and English IVR
utterances, agent notes and chat texts, labelled by what a careful agent would code, with
colloquial text, misspellings, negations, mixed concerns and look-alikes. The holdout rows
were written after the lexicon and first scored 78 % before the lexicon was improved (see
the README); hard rows stay in even where the lexicon still gets them wrong.

Thresholds: overall accuracy >= 95 % (the issue's aim). Per exempt topic, recall >= 90 %,
because a missed exempt call breaks a customer's streak for nothing, and precision >= 90 %,
because a wrongly exempt call gives away data; with 40-45 rows per topic one miss moves
either by about 2.5 points, so 90 % tolerates a few honest misses but fails on any
systematic gap. For `other`, recall >= 90 % bounds the share of ordinary calls let off.
Run `pytest -s tests/unit/test_calls_accuracy.py` to see the report.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from selfcare.domain.calls import classify_text
from selfcare.domain.lexicon.reading import read
from selfcare.domain.program import BUILTIN_CATEGORIES, OTHER
from selfcare.program.load import bundled_example

DATA = Path(__file__).parent / "data"
FILES = ("utterances.csv", "utterances_holdout.csv")
LABELS = (*BUILTIN_CATEGORIES, OTHER)
MIN_ACCURACY = 0.95
MIN_EXEMPT_RECALL = 0.90
MIN_EXEMPT_PRECISION = 0.90
MIN_OTHER_RECALL = 0.90


@dataclass(frozen=True)
class Row:
    file: str
    text: str
    expected: str
    lang: str
    source: str
    note: str


def load_rows() -> list[Row]:
    rows: list[Row] = []
    for name in FILES:
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            rows.extend(
                Row(name, r["text"], r["expected"], r["lang"], r["source"], r["note"])
                for r in csv.DictReader(handle)
            )
    return rows


ROWS = load_rows()


@pytest.fixture(scope="module")
def predictions() -> list[tuple[Row, str]]:
    """The lexicon's own reading (the trained stage behind it is measured on the corpus
    from outside, bench/calls_corpus.py, and by the test below)."""
    categories = bundled_example().calls.categories
    return [(row, read(row.text, categories).category or OTHER) for row in ROWS]


def precision_recall(pairs: list[tuple[str, str]], label: str) -> tuple[float, float]:
    true_pos = sum(1 for exp, got in pairs if exp == got == label)
    predicted = sum(1 for _, got in pairs if got == label)
    actual = sum(1 for exp, _ in pairs if exp == label)
    return (true_pos / predicted if predicted else 1.0), (true_pos / actual if actual else 1.0)


def accuracy(pairs: list[tuple[str, str]]) -> float:
    return sum(1 for exp, got in pairs if exp == got) / len(pairs)


def report(predictions: list[tuple[Row, str]]) -> str:
    pairs = [(row.expected, got) for row, got in predictions]
    lines = [f"{'category':<20}{'n':>5}{'precision':>11}{'recall':>8}"]
    for label in LABELS:
        precision, recall = precision_recall(pairs, label)
        count = sum(1 for exp, _ in pairs if exp == label)
        lines.append(f"{label:<20}{count:>5}{precision:>11.3f}{recall:>8.3f}")
    for name in FILES:
        part = [(r.expected, got) for r, got in predictions if r.file == name]
        lines.append(f"accuracy {name}: {accuracy(part):.3f} ({len(part)} rows)")
    lines.append(f"accuracy overall: {accuracy(pairs):.3f} ({len(pairs)} rows)")
    lines.extend(
        f"  miss: {r.expected} read as {got}: {r.text!r}"
        for r, got in predictions
        if r.expected != got
    )
    return "\n".join(lines)


def test_the_labelled_set_is_big_varied_and_honestly_labelled() -> None:
    assert len(ROWS) >= 150
    assert {r.expected for r in ROWS} == set(LABELS)
    per_label = Counter(r.expected for r in ROWS)
    assert min(per_label.values()) >= 30
    assert {r.lang for r in ROWS} == {"de", "en"}
    assert {r.source for r in ROWS} == {"ivr", "note", "chat"}
    assert sum("negat" in r.note for r in ROWS) >= 15
    assert sum("mixed" in r.note for r in ROWS) >= 3
    assert len({r.text for r in ROWS}) == len(ROWS)


def test_the_lexicon_reads_customer_words_accurately(predictions: list[tuple[Row, str]]) -> None:
    print("\n" + report(predictions))
    pairs = [(row.expected, got) for row, got in predictions]
    assert accuracy(pairs) >= MIN_ACCURACY
    for label in BUILTIN_CATEGORIES:
        precision, recall = precision_recall(pairs, label)
        assert recall >= MIN_EXEMPT_RECALL, label
        assert precision >= MIN_EXEMPT_PRECISION, label
    assert precision_recall(pairs, OTHER)[1] >= MIN_OTHER_RECALL


def test_the_trained_stage_frees_at_least_the_calls_the_lexicon_frees(
    predictions: list[tuple[Row, str]],
) -> None:
    """Benefit of the doubt: behind the lexicon the model only adds exempt verdicts, so
    exempt recall on this set cannot fall (it trades `other` precision for it)."""
    rules = bundled_example().calls
    for row, by_lexicon in predictions:
        if by_lexicon != OTHER:
            assert classify_text(row.text, rules=rules).category == by_lexicon, row.text


def test_the_issue_example_with_a_negated_reminder_is_not_dunning() -> None:
    verdict = classify_text(
        "keine Mahnung bekommen, aber mein Internet ist langsam", rules=bundled_example().calls
    )
    assert verdict.category != "dunning"
    assert verdict.category == "reception_problem"
