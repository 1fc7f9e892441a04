"""The seam for classifying free text in bulk: distinct texts in, categories out.

On DuckDB the lexicon compiled to SQL (`lexicon_sql.classify_texts`) decides; what it cannot
prove in SQL it hands to the Python classifier and counts, by reason. On Spark the compiled
lexicon is not used: its in-word dash replacement is written with RE2's `\\1` where Java's
regexes take `$1`, and Java's `\\b` around non-ASCII letters is unproven, so every distinct
text is classified in Python, counted under `SPARK_NOT_SQL`. Either way the count reaches
the operator (`TextFallbacks.line`), never silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfcare.bulk.lexicon_sql import classify_texts
from selfcare.domain.calls import classify_text
from selfcare.domain.program import CallRules

Classifier = Callable[[ir.Table], ir.Table]
Fetch = Callable[[ir.Table], pa.Table]

SPARK_NOT_SQL = "spark_regex_dialect"
"""Spark: the SQL lexicon's regexes are RE2 (DuckDB) spellings, so Python decides."""
REQUESTED = "python_seam_requested"
"""The Python seam was asked for (the benchmark's side-by-side run)."""
SEAMS = ("sql", "python")


@dataclass
class TextFallbacks:
    """How many distinct texts were classified, and how many in Python, by reason."""

    texts: int = 0
    python: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)

    def add(self, texts: int, by_reason: dict[str, int]) -> None:
        self.texts += texts
        self.python += sum(by_reason.values())
        self.by_reason.update(by_reason)

    def line(self) -> str:
        """One line for stderr and the benchmark JSON."""
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(self.by_reason.items())) or "none"
        return (
            f"call texts: {self.python} of {self.texts} distinct text(s) "
            f"classified in Python ({reasons})"
        )

    def as_json(self) -> dict[str, object]:
        return {"texts": self.texts, "python": self.python, "by_reason": dict(self.by_reason)}


def python_classifier(
    rules: CallRules, fetch: Fetch, fallbacks: TextFallbacks, reason: str
) -> Classifier:
    """Classify the distinct texts in Python, once each, counted under `reason`."""

    def classify(distinct_texts: ir.Table) -> ir.Table:
        texts = fetch(distinct_texts).column("text").to_pylist()
        verdicts = [classify_text(text, rules=rules) for text in texts]
        fallbacks.add(len(texts), {reason: len(texts)} if texts else {})
        return ibis.memtable(
            {
                "text": texts,
                "category": [v.category for v in verdicts],
                "counts": [v.counts for v in verdicts],
            },
            schema={"text": "string", "category": "string", "counts": "boolean"},
        )

    return classify


def sql_classifier(rules: CallRules, fallbacks: TextFallbacks) -> Classifier:
    """The compiled lexicon; its own Python fallbacks are added to `fallbacks`."""

    def classify(distinct_texts: ir.Table) -> ir.Table:
        classified = classify_texts(distinct_texts, rules=rules)
        fallbacks.add(classified.texts, classified.by_reason)
        return classified.table.select("text", "category", "counts")

    return classify


def text_classifier(
    rules: CallRules,
    fetch: Fetch,
    *,
    engine: str,
    fallbacks: TextFallbacks,
    seam: str = "sql",
) -> Classifier:
    """The SQL lexicon on DuckDB; the Python classifier on Spark or when asked for,
    with the reason recorded in `fallbacks`."""
    if seam not in SEAMS:
        raise ValueError(f"unknown text seam {seam!r}; use one of {', '.join(SEAMS)}")
    if seam == "python":
        return python_classifier(rules, fetch, fallbacks, REQUESTED)
    if engine != "duckdb":
        return python_classifier(rules, fetch, fallbacks, SPARK_NOT_SQL)
    return sql_classifier(rules, fallbacks)
