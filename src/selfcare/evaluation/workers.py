"""Customers projected in worker processes, the answers in customer order (`--workers`).

Projecting a customer (classifying each call text, walking the streak, paying under caps)
is most of `selfcare evaluate`'s CPU and needs nothing but that customer's events, so
batches of customers go to a pool of processes while this process reads, groups and writes.
A bounded number of batches is in flight: memory stays bounded by the batches, not by the
input, and the answers come back in the order the customers were read.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from selfcare.domain.evaluator import project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress
from selfcare.errors import SelfcareError

CUSTOMERS_PER_BATCH = 200
"""Customers sent to a worker at a time: enough that pickling the batch costs little beside
projecting it, few enough that a batch of large customers stays small."""
BATCHES_PER_WORKER = 2
"""Batches in flight per worker: one projected while the next waits, so no worker idles."""

_program: Program | None = None


def _start(program: Program) -> None:
    """Each worker keeps the program once, not a copy with every batch."""
    global _program  # noqa: PLW0603 (one program per worker process, set once at its start)
    _program = program


def _projected(batch: list[tuple[str, list[Event]]], as_of: date) -> list[CustomerProgress]:
    program = _program
    if program is None:  # pragma: no cover (the pool's initializer always ran first)
        raise RuntimeError("worker started without its program")
    return [project(program, state_from_events(who, history), as_of) for who, history in batch]


def _batches(
    groups: Iterable[tuple[str, list[Event]]], size: int
) -> Iterator[list[tuple[str, list[Event]]]]:
    batch: list[tuple[str, list[Event]]] = []
    for group in groups:
        batch.append(group)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def projected_in_workers(
    program: Program,
    groups: Iterable[tuple[str, list[Event]]],
    as_of: date,
    *,
    workers: int,
    batch: int = CUSTOMERS_PER_BATCH,
) -> Iterator[CustomerProgress]:
    """`project` for each customer of `groups`, in `workers` processes, in the same order.

    The workers are started by a fork server (not forked from this process, whose threads,
    a progress bar's for one, would be copied mid-state); like every such pool, it needs the
    program's main module to start its work under `if __name__ == "__main__":`, as the
    `selfcare` command and `python -m selfcare` do."""
    context = multiprocessing.get_context("forkserver")
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start, initargs=(program,)
        ) as pool:
            pending: deque[Future[list[CustomerProgress]]] = deque()
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
