"""Customers projected in worker processes, the answers in customer order (`--workers`).

Projecting a customer (classifying each call text, walking the streak, paying under caps)
is most of `selfcare evaluate`'s CPU and needs nothing but that customer's events, so
batches of customers go to a pool of processes while this process reads, groups and writes.
A bounded number of batches is in flight: memory stays bounded by the batches, not by the
input, and the answers come back in the order the customers were read.

What crosses between the processes is text where it can be: each event as its JSON (as the
grouping's spilled runs hold it) and each answer as `render` made it in the worker (the
printed document's part, say). Pickling the models both ways cost this process more than
its reading, grouping and writing together, and bounded the gain of a second worker.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any, TypeVar

from selfcare.domain.evaluator import project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress
from selfcare.errors import SelfcareError

CUSTOMERS_PER_BATCH = 200
"""Customers sent to a worker at a time: enough that sending the batch costs little beside
projecting it, few enough that a batch of large customers stays small."""
BATCHES_PER_WORKER = 2
"""Batches in flight per worker: one projected while the next waits, so no worker idles."""

Rendered = TypeVar("Rendered")
Batch = list[tuple[str, list[str]]]
"""Customers with their events' JSON (`grouping.by_customer_as_json`)."""

_job: tuple[Program, Callable[[CustomerProgress], Any]] | None = None


def _start(program: Program, render: Callable[[CustomerProgress], Any]) -> None:
    """Each worker keeps the program and the renderer once, not a copy with every batch."""
    global _job  # noqa: PLW0603 (one job per worker process, set once at its start)
    _job = (program, render)


def _projected(batch: Batch, as_of: date) -> list[Any]:
    if _job is None:  # pragma: no cover (the pool's initializer always ran first)
        raise RuntimeError("worker started without its program")
    program, render = _job
    event = Event.model_validate_json
    return [
        render(project(program, state_from_events(who, [event(e) for e in history]), as_of))
        for who, history in batch
    ]


def _batches(groups: Iterable[tuple[str, list[str]]], size: int) -> Iterator[Batch]:
    batch: Batch = []
    for group in groups:
        batch.append(group)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def projected_in_workers(
    program: Program,
    groups: Iterable[tuple[str, list[str]]],
    as_of: date,
    *,
    workers: int,
    render: Callable[[CustomerProgress], Rendered],
    batch: int = CUSTOMERS_PER_BATCH,
) -> Iterator[Rendered]:
    """`render(project(...))` for each customer of `groups` (events as JSON), in `workers`
    processes, in the same order. `render` runs in the worker, so it must be a function of
    a module (pickled by name).

    The workers are started by a fork server (not forked from this process, whose threads,
    a progress bar's for one, would be copied mid-state); like every such pool, it needs the
    program's main module to start its work under `if __name__ == "__main__":`, as the
    `selfcare` command and `python -m selfcare` do."""
    context = multiprocessing.get_context("forkserver")
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start, initargs=(program, render)
        ) as pool:
            pending: deque[Future[list[Rendered]]] = deque()
            for customers in _batches(groups, batch):
                pending.append(pool.submit(_projected, customers, as_of))
                if len(pending) >= workers * BATCHES_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
    except BrokenProcessPool as exc:
        msg = "a worker process ended abruptly (out of memory?); run again with --workers 1"
        raise WorkerLost(msg) from exc


class WorkerLost(SelfcareError):
    """A worker process died (killed, out of memory): the run stops with one line."""
