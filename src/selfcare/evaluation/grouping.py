"""Events grouped by customer, in customer-id order, however the input is ordered.

An event file may hold millions of events in any order (time order is the usual export). To
evaluate customer by customer without holding the whole file, events are collected in runs
of a fixed size; each run is sorted by customer and, when there is more than one run, spilled
to a temporary file (each event's customer id and JSON); the runs are then merged (an
external merge sort). Memory is bounded by the run size and the largest customer, not by
the input.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TextIO, TypeVar

from selfcare.domain.events import Event

RUN_EVENTS = 100_000
"""Events sorted in memory at a time: about 100–200 MB of events, whatever the input size."""

Kept = TypeVar("Kept")
_customer = attrgetter("customer_id")
_key = itemgetter(0)


def by_customer(
    events: Iterable[Event], *, run_events: int = RUN_EVENTS, spill_dir: Path | None = None
) -> Iterator[tuple[str, list[Event]]]:
    """Each customer's events, customers in ascending id order (as `evaluate` sorts them)."""
    return _grouped(events, run_events, spill_dir, keep=_itself, restore=Event.model_validate_json)


def by_customer_as_json(
    events: Iterable[Event], *, run_events: int = RUN_EVENTS, spill_dir: Path | None = None
) -> Iterator[tuple[str, list[str]]]:
    """`by_customer` with each event as its JSON (`Event.model_dump_json`): what a worker
    process is sent (`evaluation.workers`). A spilled run holds that JSON already, so it
    is passed on as read, and only the worker validates it back into events: read back
    here, a model costs more to rebuild and to pickle than its JSON."""
    return _grouped(events, run_events, spill_dir, keep=Event.model_dump_json, restore=_itself)


def _itself(value: Kept) -> Kept:
    return value


def _grouped(
    events: Iterable[Event],
    run_events: int,
    spill_dir: Path | None,
    *,
    keep: Callable[[Event], Kept],
    restore: Callable[[str], Kept],
) -> Iterator[tuple[str, list[Kept]]]:
    """The customers' events as `keep` gives them (a run held in memory) or as `restore`
    gives them back from their JSON (a spilled run)."""
    if run_events < 1:
        raise ValueError("run_events must be at least 1")
    with ExitStack() as stack:
        folder: Path | None = None
        runs: list[Path] = []
        run: list[Event] = []
        for event in events:
            run.append(event)
            if len(run) < run_events:
                continue
            if folder is None:
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=spill_dir)))
            runs.append(_spill(run, folder / f"run-{len(runs):06d}.tsv"))
            run = []
        if not runs:
            run.sort(key=_customer)
            yield from _groups((e.customer_id, keep(e)) for e in run)
            return
        if run and folder is not None:
            runs.append(_spill(run, folder / f"run-{len(runs):06d}.tsv"))
        del run
        readers = [stack.enter_context(path.open(encoding="utf-8")) for path in runs]
        merged = heapq.merge(*(_read_run(reader) for reader in readers), key=_key)
        yield from _groups(((who, restore(text)) for who, text in merged))


def _groups(keyed: Iterable[tuple[str, Kept]]) -> Iterator[tuple[str, list[Kept]]]:
    for customer_id, group in groupby(keyed, key=_key):
        yield customer_id, [kept for _, kept in group]


def _spill(run: list[Event], path: Path) -> Path:
    """Write one run sorted by customer, one event a line: its customer id, a tab, its JSON.
    The sort is stable, so each customer keeps its order. A valid id holds no tab or line
    break (`normal_id` refuses control characters), so the first tab ends it."""
    run.sort(key=_customer)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(e.customer_id + "\t" + e.model_dump_json() + "\n" for e in run)
    return path


def _read_run(reader: TextIO) -> Iterator[tuple[str, str]]:
    for line in reader:
        customer_id, _, text = line.rstrip("\n").partition("\t")
        yield customer_id, text
