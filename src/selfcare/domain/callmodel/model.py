"""A multinomial logistic model over call-text features, as shipped in `model-v1.json`.

Scores are sums of the weights of the features present (binary features, so the model is
deterministic and explainable: the words behind the largest weights are the reasons).
The weights were trained on the corpus's `dev` split only (bench/train_calls_model.py);
the held-out split measures them in `make bench`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from selfcare.domain.callmodel.features import word_features, words

ARTEFACT = "model-v1.json"
OTHER = "other"
CACHED_WORDS = 32_768
"""Words whose weighted features a model remembers: about 1.6 kB each, some 50 MB when full
(phone and customer numbers are words too, so the distinct words keep growing)."""

Row = tuple[float, ...]


@dataclass(frozen=True)
class Model:
    """Weights per class and feature, the bias per class, and the decision thresholds."""

    version: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    doubt_threshold: float
    sure_threshold: float
    # Per word, its own features that have weights, in feature order: words recur far more
    # than texts do, so each word is cut into features and looked up once.
    word_rows: dict[str, dict[str, Row]] = field(default_factory=dict, compare=False, repr=False)


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
    tokens = words(text)
    probabilities = likelihoods(model, tokens)
    reasons = dict(zip(model.classes, _reasons(model, tokens, model.classes), strict=True))
    return Prediction(probabilities, reasons)


def likelihoods(model: Model, tokens: list[str]) -> dict[str, float]:
    """Class probabilities of a text's words (`words`): the softmax of the summed weights.

    Each sum adds the same terms in the same order as a loop over `features_of` would
    (`sum` adds from left to right; a feature counts once, where it first occurs), so the
    figures are bit for bit those the thresholds were tuned on; the columns are summed in C
    instead of one addition at a time.
    """
    found: dict[str, Row] = {}
    remembered = model.word_rows
    for word in tokens:
        rows = remembered.get(word)
        if rows is None:
            rows = _weighted_features(model, word)
        found.update(rows)  # a feature seen in an earlier word keeps its place
    weights = model.weights
    for first, second in pairwise(tokens):
        name = "b:" + first + " " + second
        row = weights.get(name)
        if row is not None:
            found.setdefault(name, row)
    zero = (0.0,) * len(model.classes)
    columns = zip(*(found.values() or [zero]), strict=True)
    scores = [sum(column, bias) for column, bias in zip(columns, model.bias, strict=True)]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {c: e / total for c, e in zip(model.classes, exps, strict=True)}


def _weighted_features(model: Model, word: str) -> dict[str, Row]:
    """The word's own features that have weights, in feature order (remembered)."""
    weights = model.weights
    rows = {name: row for name in word_features(word) if (row := weights.get(name)) is not None}
    if len(model.word_rows) >= CACHED_WORDS:
        model.word_rows.clear()
    model.word_rows[word] = rows
    return rows


def reasons(model: Model, tokens: list[str], name: str) -> tuple[str, ...]:
    """The words that pushed a text's words (`words`) towards one class most: what
    `predict` gives for that class, without working out the other classes."""
    return _reasons(model, tokens, (name,))[0]


def _reasons(model: Model, tokens: list[str], names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Per class in `names`, its top words. A feature's weight is shared equally by the
    words it comes from; each word's shares are summed in feature order, from left to
    right, then taken relative to `other`'s."""
    wanted = [model.classes.index(name) for name in names]
    baseline = model.classes.index(OTHER) if OTHER in model.classes else None
    columns = wanted if baseline is None else [*wanted, baseline]
    shares: list[list[tuple[float, ...]]] = [[] for _ in tokens]  # per word, in feature order
    for row, at in _weighted_places(model, tokens).values():
        picked = tuple([row[k] for k in columns])
        if len(at) == 1:
            shares[at[0]].append(picked)
            continue
        share = tuple([weight / len(at) for weight in picked])
        for i in at:
            shares[i].append(share)
    zero = (0.0,) * len(columns)
    by_word = [[sum(column, 0.0) for column in zip(*(s or [zero]), strict=True)] for s in shares]
    sums = [list(c) for c in zip(*by_word, strict=True)] or [[] for _ in columns]
    base = sums[-1] if baseline is not None else None
    return [_top_words(tokens, _relative(sums[j], base)) for j in range(len(wanted))]


def _weighted_places(model: Model, tokens: list[str]) -> dict[str, tuple[Row, list[int]]]:
    """Each feature with weights and the indexes of the words it comes from, in the order of
    `features_of` (each index once, ascending), from the words' remembered rows."""
    places: dict[str, tuple[Row, list[int]]] = {}
    remembered = model.word_rows
    for i, word in enumerate(tokens):
        rows = remembered.get(word)
        if rows is None:
            rows = _weighted_features(model, word)
        for name, row in rows.items():
            known = places.get(name)
            if known is None:
                places[name] = (row, [i])
            elif known[1][-1] != i:
                known[1].append(i)
    weights = model.weights
    for i, (first, second) in enumerate(pairwise(tokens)):
        name = "b:" + first + " " + second
        pair = weights.get(name)
        if pair is None:
            continue
        known = places.get(name)
        if known is None:
            places[name] = (pair, [i, i + 1])
        else:  # the same two words again, overlapping ("a a a") or further on
            known[1].extend(j for j in (i, i + 1) if j != known[1][-1])
    return places


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
