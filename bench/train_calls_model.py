"""Train the call model (selfcare/domain/callmodel/model-v1.json) on the corpus's dev split.

    python -m bench.train_calls_model

Multinomial logistic regression on binary features (callmodel.features), a linear model
(weights per feature and class, a bias per class) so that classification is a sum of
weights; trained by seeded stochastic gradient descent in plain Python (the data are small, and no
numerical library is needed to train or to use it). The held-out split is never
read here. The thresholds for benefit of the doubt are chosen on out-of-fold probabilities
of the dev split (folds by site), so they are not fitted to the texts they are judged on.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.calls_corpus import CATEGORIES, Utterance, load
from selfcare.domain.callmodel.features import features
from selfcare.domain.callmodel.model import ARTEFACT, Model, predict

OUT = Path(__file__).resolve().parent.parent / "src" / "selfcare" / "domain" / "callmodel"
VERSION = "v1"
EPOCHS = 12
RATE = 0.2
L2 = 1e-3
SEED = 9
MIN_COUNT = 2
FOLDS = 5
EXEMPT_RECALL_GOAL = 0.985
RECALL_SLACK = 0.02
SURE = 0.8


def vocabulary(docs: list[set[str]]) -> list[str]:
    counts = Counter(name for doc in docs for name in doc)
    return sorted(name for name, n in counts.items() if n >= MIN_COUNT)


def fit(texts: list[str], labels: list[str]) -> dict[str, Any]:
    """Multinomial logistic regression by plain stochastic gradient descent: EPOCHS passes
    over the examples in a fixed pseudo-random order (seeded, so training is repeatable),
    L2 applied to the weights an example touches, the step shrinking each pass."""
    docs = [set(features(t)) for t in texts]
    vocab = vocabulary(docs)
    index = {name: i for i, name in enumerate(vocab)}
    rows = [[index[n] for n in sorted(doc) if n in index] for doc in docs]
    targets = [CATEGORIES.index(label) for label in labels]
    k = len(CATEGORIES)
    weights = [[0.0] * k for _ in vocab]
    bias = [0.0] * k
    order = list(range(len(rows)))
    shuffler = random.Random(SEED)
    for epoch in range(EPOCHS):
        shuffler.shuffle(order)
        rate = RATE / (1 + epoch)
        for i in order:
            row, target = rows[i], targets[i]
            scores = [bias[c] + sum(weights[f][c] for f in row) for c in range(k)]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            error = [exps[c] / total - (1.0 if c == target else 0.0) for c in range(k)]
            for c in range(k):
                bias[c] -= rate * error[c]
            for f in row:
                w = weights[f]
                for c in range(k):
                    w[c] -= rate * (error[c] + L2 * w[c])
    return {
        "bias": [round(b, 4) for b in bias],
        "weights": {
            name: [round(w, 4) for w in weights[i]]
            for name, i in index.items()
            if max(abs(w) for w in weights[i]) >= 0.001
        },
    }


def as_model(fitted: dict[str, Any], doubt: float = 0.5, sure: float = 0.5) -> Model:
    return Model(
        version=VERSION,
        classes=CATEGORIES,
        bias=tuple(fitted["bias"]),
        weights={name: tuple(row) for name, row in fitted["weights"].items()},
        doubt_threshold=doubt,
        sure_threshold=sure,
    )


def out_of_fold(dev: list[Utterance]) -> list[dict[str, float]]:
    """Each dev utterance's probabilities from a model that did not see its site."""
    sites = sorted({u.source_id for u in dev})
    fold_of = {site: i % FOLDS for i, site in enumerate(sites)}
    result: list[dict[str, float]] = [{} for _ in dev]
    for fold in range(FOLDS):
        train = [u for u in dev if fold_of[u.source_id] != fold]
        model = as_model(fit([u.text for u in train], [u.label for u in train]))
        for i, u in enumerate(dev):
            if fold_of[u.source_id] == fold:
                result[i] = predict(model, u.text).probabilities
        print(f"fold {fold + 1}/{FOLDS} done", file=sys.stderr)
    return result


def choose_doubt(dev: list[Utterance], probabilities: list[dict[str, float]]) -> float:
    """The doubt threshold, on out-of-fold probabilities: the largest threshold whose exempt
    recall reaches EXEMPT_RECALL_GOAL; if none does, the most accurate threshold among those
    within RECALL_SLACK of the best recall (recall first, then precision)."""
    grid = [step / 100 for step in range(5, 96, 5)]
    exempt = [u.label != "other" for u in dev]
    scored = []
    for threshold in grid:
        got = [_decide(p, threshold) for p in probabilities]
        recall = sum(1 for g, e in zip(got, exempt, strict=True) if e and g != "other")
        accuracy = sum(1 for g, u in zip(got, dev, strict=True) if g == u.label)
        scored.append((threshold, recall / sum(exempt), accuracy / len(dev)))
    reaching = [t for t, recall, _ in scored if recall >= EXEMPT_RECALL_GOAL]
    if reaching:
        return max(reaching)
    best_recall = max(recall for _, recall, _ in scored)
    near = [(acc, t) for t, recall, acc in scored if recall >= best_recall - RECALL_SLACK]
    return max(near)[1]


def _decide(probabilities: dict[str, float], threshold: float) -> str:
    best = max((c for c in CATEGORIES if c != "other"), key=probabilities.__getitem__)
    return best if probabilities[best] >= threshold else "other"


def main() -> int:
    dev = [u for u in load() if u.split == "dev"]
    probabilities = out_of_fold(dev)
    doubt = choose_doubt(dev, probabilities)
    fitted = fit([u.text for u in dev], [u.label for u in dev])
    document = {
        "version": VERSION,
        "trained_on": "data/calls/corpus.csv split=dev",
        "utterances": len(dev),
        "classes": list(CATEGORIES),
        "doubt_threshold": doubt,
        "sure_threshold": SURE,
        "bias": fitted["bias"],
        "weights": fitted["weights"],
    }
    path = OUT / ARTEFACT
    path.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"{path}: {len(fitted['weights'])} features, doubt threshold {doubt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
