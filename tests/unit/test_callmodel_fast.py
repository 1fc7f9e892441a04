"""The model's fast path gives the reference's figures bit for bit and the same words."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from selfcare.domain.callmodel import model as callmodel
from selfcare.domain.callmodel.features import words
from tests.callmodel_reference import predict_reference

CORPUS = Path(__file__).resolve().parents[2] / "data" / "calls" / "corpus.csv"
EDGE_CASES = (
    "",
    "!!!",
    "kuendigen kuendigen kuendigen",  # one word thrice: its features shared three ways
    "Netz weg, Netz weg, kein Netz",  # repeated word pairs
    "Vertrag verlängern Verlängerung Vertragsverlängerung",  # grams shared across words
)


def _texts() -> list[str]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [*EDGE_CASES, *(row["text"] for row in csv.DictReader(handle))]


@pytest.fixture(scope="module")
def model() -> callmodel.Model:
    return callmodel.load()


def test_likelihoods_are_the_reference_figures_bit_for_bit(model: callmodel.Model) -> None:
    for text in _texts():
        expected = predict_reference(model, text).probabilities
        got = callmodel.likelihoods(model, words(text))
        assert [p.hex() for p in got.values()] == [p.hex() for p in expected.values()], text
        assert list(got) == list(expected)


def test_one_class_reasons_are_the_reference_words(model: callmodel.Model) -> None:
    for text in _texts():
        expected = predict_reference(model, text).reasons
        tokens = words(text)
        for name in model.classes:
            assert callmodel.reasons(model, tokens, name) == expected[name], (text, name)
        assert callmodel.predict(model, text).reasons == expected


def test_remembered_words_give_the_same_figures(model: callmodel.Model) -> None:
    text = "Mein Internet ist seit Tagen weg, ich will kündigen"
    first = callmodel.likelihoods(model, words(text))
    assert "internet" in model.word_rows
    assert callmodel.likelihoods(model, words(text)) == first
