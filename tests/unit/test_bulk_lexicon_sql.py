"""The SQL call classifier gives the Python classifier's verdict for every text.

Each test hands a batch of texts to `classify_texts` (DuckDB) and compares every row with
`classify_text`; rows SQL cannot prove come back from Python and are counted, so the tests
also hold the fallback count to the rows marked `python` and print it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bulk.lexicon_regex import Untranslatable, to_re2
from selfcare.bulk.lexicon_sql import Classified, classify_texts
from selfcare.domain.calls import classify_text
from selfcare.domain.program import CallCategory, CallRules
from selfcare.program.load import bundled_example

ROOT = Path(__file__).parents[2]
CORPORA = (
    ROOT / "data" / "calls" / "corpus.csv",
    ROOT / "tests" / "unit" / "data" / "utterances.csv",
    ROOT / "tests" / "unit" / "data" / "utterances_holdout.csv",
)
BUNDLED = bundled_example().calls
CUSTOM = CallRules(
    categories=(
        CallCategory(name="cancellation", reason_codes=("KUE",)),
        CallCategory(name="dunning", builtin_lexicon=False, keywords=("Mahnung", "kein Geld")),
        CallCategory(name="billing", counts=True, keywords=("Rechnung", "Gutschrift")),
        CallCategory(name="roaming", keywords=("Ausland", "roaming")),
    )
)
WORDS = (
    "Kündigung",
    "kündigen",
    "Vertrag",
    "verlängern",
    "läuft aus",
    "Mahnung",
    "Inkasso",
    "kein Netz",
    "Netz",
    "Störung",
    "langsam",
    "Internet",
    "Datenvolumen",
    "aufgebraucht",
    "nicht",
    "kein",
    "keine",
    "no",
    "not",
    "never",
    "don't",
    "cancel",
    "contract",
    "renew",
    "signal",
    "reminder",
    "e-mail",
    "Rechnung",
    "Ausland",
    "kann",
    "will",
    "ich",
    "und",
    "aber",
    "bekommen",
    "Verlängerungskabel",
    "Wohnung",
    "gekündigt",
    "Job",
    "Hallo",
    "Frage",
    "App",
    "Netz-Störung",
    "Vertrags–Verlängerung",
    "SCHUFA",
    "overdue",
    "bill",
)
PIECES = st.sampled_from(
    (
        *WORDS,
        " ",
        " ",
        ", ",
        ". ",
        " - ",
        "–",
        "\t",
        "\n",
        "ß",
        "ẞ",
        "é",
        "Ä",
        "ĳ",
        "😀",
        "½",
        "’",
        "\u00a0",
        "\u0301",
        "ж",
        "_",
        "€",
        "1",
    )
)
TEXTS = st.lists(PIECES, max_size=12).map("".join)
CODES = st.none() | st.sampled_from(("", " ", "VVL", "vvl ", "KUE", "Netz", "X1", "ÜBER", "\tNETZ"))


def _texts(texts: Sequence[str | None], codes: Sequence[str | None] | None = None) -> ibis.Table:
    """An Ibis table over Arrow (pandas would warn about its string options)."""
    columns = {"text": pa.array(texts, pa.string())}
    if codes is not None:
        columns["reason_code"] = pa.array(codes, pa.string())
    return ibis.memtable(pa.table(columns))


def _check(result: Classified, rules: CallRules) -> None:
    rows = result.table.to_pyarrow().to_pylist()
    for row in rows:
        verdict = classify_text(row["text"], reason_code=row["reason_code"], rules=rules)
        expected = (verdict.category, verdict.counts, verdict.rule, verdict.benefit_of_the_doubt)
        got = (row["category"], row["counts"], row["rule"], row["benefit_of_the_doubt"])
        assert got == expected, (row["text"], row["reason_code"], row["decided_by"])
    assert result.fallbacks == sum(row["decided_by"] == "python" for row in rows)
    assert result.fallbacks == sum(result.by_reason.values())
    assert result.texts == len(rows)


def _corpus_texts() -> list[str]:
    texts: list[str] = []
    for path in CORPORA:
        with path.open(encoding="utf-8", newline="") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("rules", [BUNDLED, CUSTOM, CallRules()], ids=["bundled", "custom", "none"])
def test_every_corpus_text_gets_the_python_category(
    rules: CallRules, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = _corpus_texts()
    result = classify_texts(_texts(texts), rules=rules)
    _check(result, rules)
    with capsys.disabled():
        print(
            f"\nlexicon_sql corpus, {len(rules.categories)} configured categories: "
            f"{result.report()}"
        )
    assert result.fallbacks < result.texts * 0.2  # most of the corpus is decided in SQL


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(st.tuples(TEXTS, CODES), min_size=1, max_size=25))
def test_generated_texts_and_codes_get_the_python_verdict(
    batch: list[tuple[str, str | None]],
) -> None:
    for rules in (BUNDLED, CUSTOM):
        table = _texts([t for t, _ in batch], [c for _, c in batch])
        _check(classify_texts(table, rules=rules), rules)


def test_texts_outside_the_safe_characters_are_counted_as_fallbacks() -> None:
    texts = ["Kündigung", "Кündigung", "cafe\u0301 Mahnung", None]
    result = classify_texts(_texts(texts), rules=BUNDLED)
    _check(result, BUNDLED)
    assert result.by_reason == {"characters_outside_safe_set": 2}


def test_a_negation_beside_a_match_is_left_to_python_and_reported() -> None:
    texts = ["Ich will nicht kündigen, nur eine Frage", "kein Netz seit gestern"]
    result = classify_texts(_texts(texts), rules=BUNDLED)
    _check(result, BUNDLED)
    assert result.by_reason == {"negation_beside_match": 1}  # "kein Netz" is a lack pattern
    assert "1 classified in Python" in result.report()


def test_constructs_without_an_re2_form_are_refused() -> None:
    for regex in (r"(?<=a)b", r"(a)\1", r"(?i)kuendig", r"a(?!b)"):
        with pytest.raises(Untranslatable):
            to_re2(regex)
    assert (
        to_re2(r"\bkuendig\w*\s+(?:a|b){0,3}?")
        == r"\bkuendig(?:[\w]){0,}(?:[\s]){1,}(?:[ab]){0,3}?"
    )
