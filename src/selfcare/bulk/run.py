"""Evaluate a program over an event file or lake on a bulk engine, customer by customer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa

from selfcare.bulk.assemble import FactTables, customers
from selfcare.bulk.backends import Engine
from selfcare.bulk.classify import text_classifier
from selfcare.bulk.source import Source, read
from selfcare.bulk.translate import Facts, translate
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress


@dataclass
class BulkRun:
    """What a bulk evaluation read and computed (for the summary and the benchmark)."""

    refused: int = 0
    rounds: dict[str, int] = field(default_factory=dict)


def evaluate_table(
    engine: Engine, events: ir.Table, program: Program, as_of: date, run: BulkRun | None = None
) -> Iterator[CustomerProgress]:
    """Each customer's progress from an Ibis table already in the normalised schema."""
    scratch = Scratch(engine)
    try:
        facts = compute(engine, events, program, as_of, scratch)
        fetched = fetch(facts)
    finally:
        scratch.drop()
    if run is not None:
        run.rounds = facts.rounds
    yield from customers(program, fetched, as_of)


def evaluate_path(
    engine: Engine, path: Path, program: Program, as_of: date, run: BulkRun | None = None
) -> Iterator[CustomerProgress]:
    """The same for an event file or Parquet lake; refused rows are counted in `run`."""
    source: Source = read(engine, path)
    if run is not None:
        run.refused = int(source.refused.to_pyarrow().as_py())
    yield from evaluate_table(engine, source.events, program, as_of, run)


def compute(
    engine: Engine, events: ir.Table, program: Program, as_of: date, scratch: Scratch
) -> Facts:
    return translate(
        events,
        program,
        as_of,
        dialect=engine.dialect,
        classify=text_classifier(program.calls),
        materialise=scratch.keep,
    )


class Scratch:
    """Intermediate tables computed once (what later steps and each streak round read
    again): temporary tables on DuckDB, cached frames on Spark; dropped after the run."""

    _runs = count()

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._prefix = f"_bulk_{next(self._runs)}_{id(self):x}"
        self._kept: list[ir.Table] = []
        self._names: list[str] = []

    def keep(self, table: ir.Table) -> ir.Table:
        if self._engine.name == "duckdb":
            name = f"{self._prefix}_{len(self._names)}"
            self._names.append(name)
            return self._engine.con.create_table(name, table, temp=True)
        cached = table.cache()
        self._kept.append(cached)
        return cached

    def drop(self) -> None:
        for name in self._names:  # raw SQL: ibis 12's DROP loses the name under sqlglot 30
            self._engine.con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
        for table in self._kept:
            table.release()


def fetch(facts: Facts) -> FactTables:
    """Bring the facts over as Arrow, sorted by customer (the assembly walks them in step)."""

    def sorted_arrow(table: ir.Table) -> pa.Table:
        return table.order_by("customer_id").to_pyarrow()

    return FactTables(
        customers=sorted_arrow(facts.customers),
        conflicts=sorted_arrow(facts.conflicts),
        contacts=sorted_arrow(facts.contacts),
        due=sorted_arrow(facts.due),
        streaks=sorted_arrow(facts.streaks),
        late=sorted_arrow(facts.late),
    )
