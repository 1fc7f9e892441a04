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

from selfcare.domain.calls import classify_text
from selfcare.domain.program import CallRules

Classifier = Callable[[ir.Table], ir.Table]


def python_classifier(rules: CallRules) -> Classifier:
    """Classify the distinct texts in Python, once each, and hand the table back."""

    def classify(distinct_texts: ir.Table) -> ir.Table:
        texts = distinct_texts.to_pyarrow().column("text").to_pylist()
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


def text_classifier(rules: CallRules) -> Classifier:
    """The SQL lexicon when it is installed (it must answer what the Python one answers),
    else the Python classifier over distinct texts."""
    try:
        module = importlib.import_module("selfcare.bulk.lexicon_sql")
    except ModuleNotFoundError:
        return python_classifier(rules)
    factory = getattr(module, "classifier", None)
    if factory is None:
        return python_classifier(rules)
    sql: Classifier = factory(rules)
    return sql
