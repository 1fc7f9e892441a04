"""A multinomial logistic model over call-text features, as shipped in `model-v1.json`.

Scores are sums of the weights of the features present (binary features, so the model is
deterministic and explainable: the words behind the largest weights are the reasons).
The weights were trained on the corpus's `dev` split only (bench/train_calls_model.py);
the held-out split measures them in `make bench`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from selfcare.domain.callmodel.features import features_of, words

ARTEFACT = "model-v1.json"
OTHER = "other"


@dataclass(frozen=True)
class Model:
    """Weights per class and feature, the bias per class, and the decision thresholds."""

    version: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    doubt_threshold: float
    sure_threshold: float


@dataclass(frozen=True)
class Prediction:
    """Probabilities per class and, per class, the words that pushed towards it most."""

    probabilities: dict[str, float]
    reasons: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped artefact (read once)."""
    text = resources.files(__package__).joinpath(ARTEFACT).read_text(encoding="utf-8")
    return from_json(json.loads(text))


def from_json(data: dict[str, Any]) -> Model:
    classes = tuple(data["classes"])
    return Model(
        version=data["version"],
        classes=classes,
        bias=tuple(data["bias"]),
        weights={name: tuple(row) for name, row in data["weights"].items()},
        doubt_threshold=float(data["doubt_threshold"]),
        sure_threshold=float(data["sure_threshold"]),
    )


def predict(model: Model, text: str) -> Prediction:
    """Class probabilities (softmax of the summed weights) and the top words per class.

    Each sum adds the same terms in the same order as a loop over the features would
    (`sum` adds from left to right), so the figures are bit for bit those the thresholds
    were tuned on; the columns are summed in C instead of one addition at a time.
    """
    tokens = words(text)
    weights = model.weights
    rows: list[tuple[float, ...]] = []
    shares: list[list[tuple[float, ...]]] = [[] for _ in tokens]  # per word, in feature order
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


def _relative(weights: list[float], baseline: list[float] | None) -> list[float]:
    """How much more each word pushed towards a class than towards `other`."""
    if baseline is None:
        return weights
    return [w - b for w, b in zip(weights, baseline, strict=True)]


def _top_words(tokens: list[str], weights: list[float], count: int = 3) -> tuple[str, ...]:
    """The words whose features weighed most for a class (positive weight only, once each)."""
    best: dict[str, float] = {}
    for token, weight in zip(tokens, weights, strict=True):
        best[token] = max(best.get(token, float("-inf")), weight)
    ranked = sorted((w, t) for t, w in best.items() if w > 0)
    return tuple(t for _, t in reversed(ranked[-count:]))
