"""The trained stage of call classification (`domain.callmodel`) as Ibis expressions.

The model is a sum of weights over binary features (words, character n-grams inside padded
words, word pairs) followed by a softmax; all of it is set-based SQL. Weights are shipped
with four decimals, so they are summed here as exact integers (units of 1e-4): the scores
are exact where Python's float sums carry rounding. A decision that the rounding could tip
(two classes with the same score, a probability within `MARGIN` of a threshold) is not
taken in SQL; such a text is sent to the Python classifier and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfcare.domain.callmodel.features import GRAMS
from selfcare.domain.callmodel.model import Model

UNITS = 10_000  # weights carry four decimals
MARGIN = 1e-9  # closer to a threshold than this, Python's float rounding could decide


class ModelNotExact(ValueError):
    """A weight with more than four decimals: the integer sums would not be exact."""


@dataclass(frozen=True)
class ModelTables:
    """The shipped model as two small tables: per-feature weights, and the classes."""

    weights: ir.Table  # feature, k, units
    classes: ir.Table  # k, cls, bias_units


def model_tables(model: Model) -> ModelTables:
    feature, k, units = [], [], []
    for name, row in model.weights.items():
        for index, weight in enumerate(row):
            scaled = round(weight * UNITS)
            if scaled / UNITS != weight:
                raise ModelNotExact(f"model {model.version}: weight {weight} of {name!r}")
            if scaled:
                feature.append(name)
                k.append(index)
                units.append(scaled)
    bias = [round(b * UNITS) for b in model.bias]
    if any(u / UNITS != b for u, b in zip(bias, model.bias, strict=True)):
        raise ModelNotExact(f"model {model.version}: bias {model.bias}")
    return ModelTables(
        weights=ibis.memtable(pa.table({"feature": feature, "k": k, "units": units})),
        classes=ibis.memtable(
            pa.table(
                {
                    "k": list(range(len(model.classes))),
                    "cls": list(model.classes),
                    "bias_units": bias,
                }
            )
        ),
    )


def features(folded: ir.Table) -> ir.Table:
    """(text, feature) for every distinct feature of every text, as `callmodel.features`
    finds them in the normalised text (column `folded`)."""
    tokens = (
        folded.select("text", tok=folded.folded.re_split("[^a-z0-9]+"))
        .unnest("tok", offset="pos")
        .filter(lambda t: t.tok != "")
    )
    parts = [tokens.select("text", feature="w:" + tokens.tok)]
    for size in GRAMS:
        padded = "<" + tokens.tok + ">"
        starts = tokens.select(
            "text", padded=padded, start=ibis.range(0, padded.length() - size + 1)
        )
        grams = starts.unnest("start")
        parts.append(grams.select("text", feature="c:" + grams.padded.substr(grams.start, size)))
    order = ibis.window(group_by="text", order_by="pos")
    pairs = tokens.mutate(nxt=tokens.tok.lead().over(order)).filter(lambda t: t.nxt.notnull())
    parts.append(pairs.select("text", feature="b:" + pairs.tok + " " + pairs.nxt))
    return ibis.union(*parts, distinct=True)


def decide(
    folded: ir.Table, tables: ModelTables, model: Model, candidates: tuple[str, ...]
) -> ir.Table:
    """Per text: `model_class` (the most likely candidate), `model_p` (its probability),
    `model_sure` and `model_exact` (false where float rounding could change the verdict)."""
    summed = (
        features(folded)
        .join(tables.weights, "feature")
        .group_by(["text", "k"])
        .aggregate(units=lambda t: t.units.sum())
    )
    grid = folded.select("text").cross_join(tables.classes)
    scores = grid.left_join(summed, ["text", "k"]).select(
        "text",
        "cls",
        units=lambda t: t.bias_units + t.units.fill_null(0),
        is_cand=lambda t: t.cls.isin(candidates),
    )
    by_text = ibis.window(group_by="text")
    ranked = scores.mutate(
        cbest=scores.is_cand.ifelse(scores.units, ibis.null()).max().over(by_text),
        top=scores.units.max().over(by_text),
    )
    at_best = ranked.is_cand & (ranked.units == ranked.cbest)
    agg = ranked.group_by("text").aggregate(
        cbest=ranked.cbest.max(),
        top=ranked.top.max(),
        n_best=at_best.ifelse(1, 0).sum(),
        n_top=(ranked.units == ranked.top).ifelse(1, 0).sum(),
        model_class=at_best.ifelse(ranked.cls, ibis.null()).max(),
        denom=((ranked.units - ranked.cbest).cast("float64") / UNITS).exp().sum(),
    )
    p = 1.0 / agg.denom
    near = ((p - model.doubt_threshold).abs() < MARGIN) | (
        (p - model.sure_threshold).abs() < MARGIN
    )
    return agg.select(
        "text",
        "model_class",
        model_p=p,
        model_sure=(agg.cbest == agg.top) & (agg.n_top == 1) & (p >= model.sure_threshold),
        model_exact=(agg.n_best == 1) & ~near & ((agg.cbest != agg.top) | (agg.n_top == 1)),
    )
