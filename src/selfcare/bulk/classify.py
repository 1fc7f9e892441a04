"""The seam for classifying free text in bulk: distinct texts in, categories out.

Today each distinct text is classified once by the Python classifier (the reference's own
function), so a text written a million times costs one call. When `selfcare.bulk.lexicon_sql`
(the lexicon compiled to SQL) is on main, `text_classifier` hands the table to it instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfcare.domain.calls import classify_text
from selfcare.domain.program import CallRules

Classifier = Callable[[ir.Table], ir.Table]


Fetch = Callable[[ir.Table], pa.Table]


def python_classifier(rules: CallRules, fetch: Fetch) -> Classifier:
    """Classify the distinct texts in Python, once each, and hand the table back."""

    def classify(distinct_texts: ir.Table) -> ir.Table:
        texts = fetch(distinct_texts).column("text").to_pylist()
        verdicts = [classify_text(text, rules=rules) for text in texts]
        return ibis.memtable(
            {
                "text": texts,
                "category": [v.category for v in verdicts],
                "counts": [v.counts for v in verdicts],
            },
            schema={"text": "string", "category": "string", "counts": "boolean"},
        )

    return classify


def text_classifier(rules: CallRules, fetch: Fetch) -> Classifier:
    """The SQL lexicon when it is installed (it must answer what the Python one answers),
    else the Python classifier over distinct texts."""
    try:
        module = importlib.import_module("selfcare.bulk.lexicon_sql")
    except ModuleNotFoundError:
        return python_classifier(rules, fetch)
    factory = getattr(module, "classifier", None)
    if factory is None:
        return python_classifier(rules, fetch)
    sql: Classifier = factory(rules)
    return sql
