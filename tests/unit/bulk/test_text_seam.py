"""The bulk engine's text seam: the SQL lexicon on DuckDB, the Python classifier where asked
for or on Spark, and every text classified in Python counted by reason."""

from __future__ import annotations

import ibis
import pyarrow as pa
import pytest

from selfcare.bulk.backends import connect
from selfcare.bulk.classify import REQUESTED, SPARK_NOT_SQL, TextFallbacks, text_classifier
from selfcare.domain.calls import classify_text
from selfcare.program.load import bundled_example

TEXTS = [
    "",
    "Frage zu meiner Rechnung",
    "Ich möchte kündigen",
    "Ich will nicht kündigen",
    "Kein Empfang seit gestern",
    "Roaming in Italien",
]


def _classify(
    seam: str, engine: str = "duckdb"
) -> tuple[dict[str, tuple[str, bool]], TextFallbacks]:
    con = connect("duckdb")
    try:
        rules = bundled_example().calls
        fallbacks = TextFallbacks()
        classify = text_classifier(
            rules, con.to_arrow, engine=engine, fallbacks=fallbacks, seam=seam
        )
        table = classify(ibis.memtable(pa.table({"text": pa.array(TEXTS, pa.string())})))
        rows = con.to_arrow(table).to_pylist()
    finally:
        con.close()
    return {r["text"]: (r["category"], r["counts"]) for r in rows}, fallbacks


@pytest.mark.parametrize(
    ("seam", "engine"), [("sql", "duckdb"), ("python", "duckdb"), ("sql", "spark")]
)
def test_every_seam_answers_as_the_python_classifier(seam: str, engine: str) -> None:
    rules = bundled_example().calls
    answers, _ = _classify(seam, engine)
    expected = {t: (v.category, v.counts) for t in TEXTS for v in [classify_text(t, rules=rules)]}
    assert answers == expected


def test_the_sql_seam_counts_only_what_python_decided() -> None:
    _, fallbacks = _classify("sql")
    assert fallbacks.texts == len(TEXTS)
    assert dict(fallbacks.by_reason) == {"negation_beside_match": 1}
    assert fallbacks.python == 1


def test_python_decisions_carry_their_reason() -> None:
    _, requested = _classify("python")
    assert dict(requested.by_reason) == {REQUESTED: len(TEXTS)}
    _, spark = _classify("sql", "spark")
    assert dict(spark.by_reason) == {SPARK_NOT_SQL: len(TEXTS)}
    assert spark.line() == (
        f"call texts: {len(TEXTS)} of {len(TEXTS)} distinct text(s) classified in Python "
        f"({SPARK_NOT_SQL}={len(TEXTS)})"
    )


def test_an_unknown_seam_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown text seam"):
        _classify("regex")
