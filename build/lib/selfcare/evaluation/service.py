"""Evaluate a program over an event file customer by customer, writing as it goes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from selfcare.domain.evaluator import project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress
from selfcare.evaluation.grouping import RUN_EVENTS, by_customer
from selfcare.ingest.event_files import event_from_row
from selfcare.ingest.rows import RowProblem, rows_from_file


@dataclass
class Tally:
    """What was read so far: shown on the progress bar and in the closing summary."""

    rows: int = 0
    events: int = 0
    problems: int = 0
    customers: int = 0


def valid_events(
    path: Path, *, tally: Tally, on_problem: Callable[[RowProblem], None]
) -> Iterator[Event]:
    """The file's valid events as a stream; every bad row is handed to `on_problem`."""
    source = str(path)
    for number, row in rows_from_file(path):
        tally.rows += 1
        outcome = (
            row if isinstance(row, RowProblem) else event_from_row(row, source=source, line=number)
        )
        if isinstance(outcome, RowProblem):
            tally.problems += 1
            on_problem(outcome)
            continue
        tally.events += 1
        yield outcome


def evaluate_stream(
    program: Program,
    events: Iterable[Event],
    as_of: date,
    *,
    tally: Tally | None = None,
    run_events: int = RUN_EVENTS,
) -> Iterator[CustomerProgress]:
    """Each customer's progress, in customer-id order: the same answers as `evaluate`."""
    for customer_id, history in by_customer(events, run_events=run_events):
        if tally is not None:
            tally.customers += 1
        yield project(program, state_from_events(customer_id, history), as_of)
