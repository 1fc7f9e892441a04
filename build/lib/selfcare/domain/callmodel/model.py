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

from selfcare.domain.callmodel.features import features, words

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
    """Class probabilities (softmax of the summed weights) and the top words per class."""
    present = features(text)
    tokens = words(text)
    scores = list(model.bias)
    per_word = [[0.0] * len(tokens) for _ in model.classes]
    for name, at in present.items():
        row = model.weights.get(name)
        if row is None:
            continue
        for k, weight in enumerate(row):
            scores[k] += weight
            for i in at:
                per_word[k][i] += weight / len(at)
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
