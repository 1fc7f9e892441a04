"""The trained model's predict as it was first written: every feature of the text, every
class, every word's shares. The fast path (`callmodel.model.likelihoods` and `reasons`) is
measured against it: the same figures bit for bit, the same words."""

from __future__ import annotations

import math

from selfcare.domain.callmodel.features import features_of, words
from selfcare.domain.callmodel.model import OTHER, Model, Prediction, _relative, _top_words


def predict_reference(model: Model, text: str) -> Prediction:
    tokens = words(text)
    weights = model.weights
    rows: list[tuple[float, ...]] = []
    shares: list[list[tuple[float, ...]]] = [[] for _ in tokens]
    for name, at in features_of(tokens).items():
        row = weights.get(name)
        if row is None:
            continue
        rows.append(row)
        share = row if len(at) == 1 else tuple(weight / len(at) for weight in row)
        for i in at:
            shares[i].append(share)
    zero = (0.0,) * len(model.classes)
    columns = zip(*(rows or [zero]), strict=True)
    scores = [sum(column, bias) for column, bias in zip(columns, model.bias, strict=True)]
    by_word = [[sum(column, 0.0) for column in zip(*(s or [zero]), strict=True)] for s in shares]
    per_word = [list(c) for c in zip(*by_word, strict=True)] or [[] for _ in model.classes]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    probabilities = {c: e / total for c, e in zip(model.classes, exps, strict=True)}
    baseline = per_word[model.classes.index(OTHER)] if OTHER in model.classes else None
    reasons = {
        c: _top_words(tokens, _relative(per_word[k], baseline)) for k, c in enumerate(model.classes)
    }
    return Prediction(probabilities, reasons)
