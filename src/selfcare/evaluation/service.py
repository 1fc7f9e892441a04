"""Evaluate a program over an event file customer by customer, writing as it goes."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from selfcare.domain.evaluator import project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress
from selfcare.errors import InvalidInput
from selfcare.evaluation.grouping import RUN_EVENTS, by_customer, by_customer_as_json
from selfcare.evaluation.workers import projected_in_workers
from selfcare.ingest.event_files import event_from_row
from selfcare.ingest.rows import SUFFIXES, RowProblem, rows_from_file

Engine = Callable[[Program, Path, date], Iterable[CustomerProgress]]
"""An evaluation engine: every customer's progress from an event file (or data lake folder),
in customer-id order, the same answers as the reference evaluator."""

ENGINES: dict[str, Engine] = {}
"""Engines besides the reference `python` one, registered by name (the bulk package
registers `duckdb` and `spark` when it provides them)."""

PYTHON = "python"
Rendered = TypeVar("Rendered")
Grouped = TypeVar("Grouped")


@dataclass
class Tally:
    """What was read so far: shown on the progress bar and in the closing summary."""

    rows: int = 0
    events: int = 0
    problems: int = 0
    customers: int = 0


def valid_events(
    path: Path,
    *,
    tally: Tally,
    on_problem: Callable[[RowProblem], None],
    on_row: Callable[[], None] | None = None,
) -> Iterator[Event]:
    """The file's valid events as a stream; every bad row is handed to `on_problem`.

    A folder (a data lake export) is read file by file: every .jsonl, .csv and .parquet file
    under it, in path order (values only in a partition's folder name are not read)."""
    for file in event_files(path):
        source = str(file)
        for number, row in rows_from_file(file):
            tally.rows += 1
            if on_row is not None:
                on_row()
            outcome = (
                row
                if isinstance(row, RowProblem)
                else event_from_row(row, source=source, line=number)
            )
            if isinstance(outcome, RowProblem):
                tally.problems += 1
                on_problem(outcome)
                continue
            tally.events += 1
            yield outcome


def event_files(path: Path) -> list[Path]:
    """The event file itself, or every event file under a folder, in path order."""
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise InvalidInput(f"{path}: no event files (.jsonl, .csv, .parquet) in this folder")
    return files


def evaluate_stream(
    program: Program,
    events: Iterable[Event],
    as_of: date,
    *,
    tally: Tally | None = None,
    run_events: int = RUN_EVENTS,
    workers: int = 1,
) -> Iterator[CustomerProgress]:
    """Each customer's progress, in customer-id order: the same answers as `evaluate`.
    With `workers` > 1 the customers are projected in that many processes."""
    return rendered_stream(
        program,
        events,
        as_of,
        render=unrendered,
        tally=tally,
        run_events=run_events,
        workers=workers,
    )


def rendered_stream(
    program: Program,
    events: Iterable[Event],
    as_of: date,
    *,
    render: Callable[[CustomerProgress], Rendered],
    tally: Tally | None = None,
    run_events: int = RUN_EVENTS,
    workers: int = 1,
) -> Iterator[Rendered]:
    """`evaluate_stream` with each customer's progress passed through `render` (a function
    of a module): with `workers` > 1 in the worker that projected it, so what comes back is
    what will be written (`output.document_part`, say), not a model to pickle."""
    if workers > 1:
        texts = _counted_customers(by_customer_as_json(events, run_events=run_events), tally)
        yield from projected_in_workers(program, texts, as_of, workers=workers, render=render)
        return
    for customer_id, history in _counted_customers(
        by_customer(events, run_events=run_events), tally
    ):
        yield render(project(program, state_from_events(customer_id, history), as_of))


def unrendered(customer: CustomerProgress) -> CustomerProgress:
    """The `render` that keeps each customer's progress as it is (a model, for the table
    and the facts): with workers, pickled back whole."""
    return customer


def _counted_customers(
    groups: Iterator[tuple[str, list[Grouped]]], tally: Tally | None
) -> Iterator[tuple[str, list[Grouped]]]:
    for group in groups:
        if tally is not None:
            tally.customers += 1
        yield group


class EngineUnavailable(InvalidInput):
    """An engine was asked for that this installation does not provide."""


def evaluate_file(
    program: Program,
    path: Path,
    as_of: date,
    *,
    engine: str = PYTHON,
    on_problem: Callable[[RowProblem], None] | None = None,
    on_row: Callable[[], None] | None = None,
) -> Iterator[CustomerProgress]:
    """Each customer's progress from an event file, by the named engine, in customer-id
    order. The python engine streams (bad rows go to `on_problem`, else are skipped) and
    calls `on_row` after each row it reads (a progress line's count)."""
    if engine == PYTHON:
        tally = Tally()
        skip = on_problem or (lambda _p: None)
        events = valid_events(path, tally=tally, on_problem=skip, on_row=on_row)
        return evaluate_stream(program, events, as_of, tally=tally)
    if engine not in ENGINES:
        _load_bulk_engines()
    if engine not in ENGINES:
        known = ", ".join(sorted({PYTHON, *ENGINES}))
        raise EngineUnavailable(f"--engine: {engine!r} is not available; use {known}")
    return iter(ENGINES[engine](program, path, as_of))


def _load_bulk_engines() -> None:
    """Take the bulk package's engines (`selfcare.bulk.engines.ENGINES`, by name); the bulk
    package sits below the features, so it offers them and this registry takes them."""
    try:
        module = importlib.import_module("selfcare.bulk.engines")
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("selfcare.bulk"):
            raise
        return
    ENGINES.update(getattr(module, "ENGINES", {}))
