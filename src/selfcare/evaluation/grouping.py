"""Events grouped by customer, in customer-id order, however the input is ordered.

An event file may hold millions of events in any order (time order is the usual export). To
evaluate customer by customer without holding the whole file, events are collected in runs
of a fixed size; each run is sorted by customer and, when there is more than one run, spilled
to a temporary JSON Lines file; the runs are then merged (an external merge sort). Memory is
bounded by the run size and the largest customer, not by the input.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TextIO

from selfcare.domain.events import Event

RUN_EVENTS = 100_000
"""Events sorted in memory at a time: about 100–200 MB of events, whatever the input size."""

_customer = attrgetter("customer_id")


def by_customer(
    events: Iterable[Event], *, run_events: int = RUN_EVENTS, spill_dir: Path | None = None
) -> Iterator[tuple[str, list[Event]]]:
    """Each customer's events, customers in ascending id order (as `evaluate` sorts them)."""
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
            runs.append(_spill(run, folder / f"run-{len(runs):06d}.jsonl"))
            run = []
        if not runs:
            run.sort(key=_customer)
            yield from _groups(run)
            return
        if run and folder is not None:
            runs.append(_spill(run, folder / f"run-{len(runs):06d}.jsonl"))
        del run
        readers = [stack.enter_context(path.open(encoding="utf-8")) for path in runs]
        merged = heapq.merge(*(_read_run(reader) for reader in readers), key=_customer)
        yield from _groups(merged)


def _groups(events: Iterable[Event]) -> Iterator[tuple[str, list[Event]]]:
    for customer_id, group in groupby(events, key=_customer):
        yield customer_id, list(group)


def _spill(run: list[Event], path: Path) -> Path:
    """Write one run sorted by customer; the sort is stable, so each customer keeps its order."""
    run.sort(key=_customer)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(event.model_dump_json() + "\n" for event in run)
    return path


def _read_run(reader: TextIO) -> Iterator[Event]:
    for line in reader:
        yield Event.model_validate_json(line)
