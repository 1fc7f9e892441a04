"""Call classification speed: the lexicon's fast reading next to its plain reference.

Both read the same realistic call texts (the labelled utterances of tests/unit/data in a
contact's details, nearly all distinct; bench/ingest_data.py) with the bundled program's
categories, in alternating rounds, so they share the machine's conditions. Every reading of
the fast path is checked to equal the reference's. `classify_text` is also timed on first
sight of each text and on asking again (its remembered verdicts), and the categories it
gives are compared with the utterances' labels (the wrapping must not change the topic).
With `--before REV`, `classify_text` on first sight is timed in that revision's tree and in
this one, each in a fresh process, one after the other on the same texts.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.lexicon_reference import read_reference

from bench.compare import ROOT, export, run_in
from bench.ingest_data import labelled_call_texts
from selfcare.domain import calls
from selfcare.domain.lexicon.reading import Reading, read
from selfcare.domain.program import CallCategory
from selfcare.program.load import bundled_example

ROUNDS = 3
CHILD = (
    "import json, sys\n"
    "from bench.classify import classify_text_rates\n"
    "from bench.ingest_data import labelled_call_texts\n"
    "texts = [text for text, _ in labelled_call_texts(int(sys.argv[1]))]\n"
    "print(json.dumps(classify_text_rates(texts)))\n"
)
Reader = Callable[[str, tuple[CallCategory, ...]], Reading]


def _rate(reader: Reader, texts: list[str], categories: tuple[CallCategory, ...]) -> float:
    started = time.perf_counter()
    for text in texts:
        reader(text, categories)
    return len(texts) / (time.perf_counter() - started)


def readers_side_by_side(texts: list[str], categories: tuple[CallCategory, ...]) -> dict[str, Any]:
    """Texts/s of both readers, best of ROUNDS alternating rounds, and whether they agree."""
    rounds: dict[str, list[float]] = {"reference": [], "fast": []}
    for _ in range(ROUNDS):
        rounds["reference"].append(_rate(read_reference, texts, categories))
        rounds["fast"].append(_rate(read, texts, categories))
    differing = sum(1 for t in texts if read(t, categories) != read_reference(t, categories))
    best = {name: max(rates) for name, rates in rounds.items()}
    return {
        "reference_per_s": round(best["reference"]),
        "fast_per_s": round(best["fast"]),
        "speedup": round(best["fast"] / best["reference"], 2),
        "rounds_per_s": {name: [round(r) for r in rates] for name, rates in rounds.items()},
        "readings_differing": differing,
    }


def classify_text_rates(texts: list[str]) -> dict[str, Any]:
    """`classify_text` per second on first sight of each text, and when asked again."""
    rules = bundled_example().calls
    repeat = texts[: calls.CACHED_VERDICTS]
    calls._classify.cache_clear()  # a cold start, whatever ran before
    started = time.perf_counter()
    for text in repeat:
        calls.classify_text(text, rules=rules)
    first = len(repeat) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in repeat:
        calls.classify_text(text, rules=rules)
    again = len(repeat) / (time.perf_counter() - started)
    return {
        "texts": len(repeat),
        "first_time_per_s": round(first),
        "asked_again_per_s": round(again),
    }


def label_agreement(labelled: list[tuple[str, str]]) -> float:
    """Share of texts classified as the label of the utterance inside them."""
    rules = bundled_example().calls
    same = sum(
        1 for text, label in labelled if calls.classify_text(text, rules=rules).category == label
    )
    return round(same / len(labelled), 3)


def rates_in(tree: Path, count: int) -> dict[str, Any]:
    """`classify_text_rates` in a fresh process running `tree`'s code."""
    return run_in(tree, CHILD, str(count))


def before_and_after(before: str, count: int) -> dict[str, Any]:
    """`classify_text` on first sight in the `before` revision, then in this tree."""
    with tempfile.TemporaryDirectory() as folder:
        commit = export(before, Path(folder))
        earlier = rates_in(Path(folder), count)
    now = rates_in(ROOT, count)
    return {
        "before_revision": commit,
        "before": earlier,
        "after": now,
        "first_time_speedup": round(now["first_time_per_s"] / earlier["first_time_per_s"], 2),
    }


def measure(count: int, before: str | None = None) -> dict[str, Any]:
    labelled = labelled_call_texts(count)
    texts = [text for text, _ in labelled]
    categories = bundled_example().calls.categories
    return {
        "texts": len(texts),
        "distinct_texts": len(set(texts)),
        "categories": [c.name for c in categories],
        "readers": readers_side_by_side(texts, categories),
        "classify_text": classify_text_rates(texts),
        "label_agreement": label_agreement(labelled),
    } | ({"classify_text_before_after": before_and_after(before, count)} if before else {})
