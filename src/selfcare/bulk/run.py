"""Evaluate a program over an event file or lake on a bulk engine, customer by customer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from selfcare.bulk.assemble import FactTables, customers
from selfcare.bulk.backends import UTC_TS, Engine
from selfcare.bulk.caps_sql import Payer, pay
from selfcare.bulk.classify import TextFallbacks, text_classifier
from selfcare.bulk.facts import duckdb_columns, facts_table
from selfcare.bulk.source import Source, read
from selfcare.bulk.translate import Calendar, Facts, translate
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress


@dataclass
class BulkRun:
    """What a bulk evaluation read and computed (for the summary and the benchmark)."""

    refused: int = 0
    rounds: dict[str, int] = field(default_factory=dict)
    text_seam: str = "sql"  # "python": classify every distinct text in Python (benchmark)
    texts: TextFallbacks = field(default_factory=TextFallbacks)
    cap_rounds: int = 0
    rows: int = 0
    accepted: int = 0  # rows read that the reference would accept (copies included)


def evaluate_table(
    engine: Engine, events: ir.Table, program: Program, as_of: date, run: BulkRun | None = None
) -> Iterator[CustomerProgress]:
    """Each customer's progress from an Ibis table already in the normalised schema."""
    scratch = Scratch(engine)
    run = run if run is not None else BulkRun()
    try:
        facts = compute(engine, events, program, as_of, scratch, run=run)
        fetched = fetch(engine, facts)
    finally:
        scratch.drop()
    run.rounds = facts.rounds
    yield from customers(program, fetched, as_of)


def evaluate_path(
    engine: Engine, path: Path, program: Program, as_of: date, run: BulkRun | None = None
) -> Iterator[CustomerProgress]:
    """The same for an event file or Parquet lake; refused rows are counted in `run`."""
    source: Source = read(engine, path)
    if run is not None:
        run.refused = int(engine.to_arrow(source.refused.as_table()).column(0)[0].as_py())
    yield from evaluate_table(engine, source.events, program, as_of, run)


def facts_path(
    engine: Engine,
    path: Path,
    program: Program,
    as_of: date,
    output: Path,
    *,
    run: BulkRun | None = None,
) -> None:
    """The facts of every customer and reward written by the engine itself to `output`
    (Parquet): no customer passes through Python, caps included."""
    source: Source = read(engine, path)
    run = run if run is not None else BulkRun()
    scratch = Scratch(engine)
    if engine.name == "duckdb":
        # every order this path needs is stated (windows, ORDER BY): DuckDB may then stream
        # and spill its temporary tables without keeping the order rows were made in
        engine.con.raw_sql("SET preserve_insertion_order = false")
    try:
        table = facts_of(engine, source.events, program, as_of, scratch, run=run)
        # the rows read less those accepted: no second pass over the normalised source
        run.refused = _scalar(engine, source.rows) - run.accepted
        run.rows = write(engine, table, output)
    finally:
        scratch.drop()
        if engine.name == "duckdb":
            engine.con.raw_sql("RESET preserve_insertion_order")


def facts_of(
    engine: Engine,
    events: ir.Table,
    program: Program,
    as_of: date,
    scratch: Scratch,
    *,
    run: BulkRun,
) -> ir.Table:
    """The rows of `facts.FACTS_SCHEMA` as one engine expression."""
    facts = compute(engine, events, program, as_of, scratch, run=run)
    run.rounds = facts.rounds
    run.accepted = _scalar(engine, facts.valid_rows)
    cal = Calendar(engine.dialect, program.timezone)
    payer = Payer(
        caps=program.caps,
        as_of=as_of,
        start_of_day=lambda day: engine.dialect.from_wall(
            program.timezone, day.cast("timestamp")
        ).cast(UTC_TS),
        materialise=scratch.keep,
        count_rows=lambda table: _count(engine, table),
    )
    payout, run.cap_rounds = pay(facts.due, payer)
    # the pieces kept first: one plan over every round's tables is slow for Spark to plan
    customers = scratch.keep(facts.customers)
    return facts_table(
        program,
        customers=customers,
        enrolled_on=cal.day(customers.enr_at),
        contacts=facts.contacts,
        conflicts=scratch.keep(facts.conflicts),
        streaks=scratch.keep(facts.streaks),
        payout=scratch.keep(payout),
    )


def _midnight(engine: Engine, zone: str, day: ir.DateValue) -> ir.TimestampValue:
    """`calendar.start_of_day`: local midnight. Only the order of same-day grants under a cap
    reads it; zones whose clocks change at midnight are not among the tested ones."""
    return engine.dialect.from_wall(zone, day.cast("timestamp")).cast(UTC_TS)


def _count(engine: Engine, table: ir.Table) -> int:
    return _scalar(engine, table.count())


def _scalar(engine: Engine, value: ir.IntegerScalar) -> int:
    """An integer the engine computes (an empty sum is 0)."""
    return int(engine.to_arrow(value.as_table()).column(0)[0].as_py() or 0)


def write(engine: Engine, table: ir.Table, output: Path) -> int:
    """The table as one Parquet file (DuckDB's COPY) or folder (Spark's writer); its rows."""
    engine.con._run_pre_execute_hooks(table)
    if engine.name == "duckdb":
        # the query is Ibis's own compilation; the only value spliced in is the quoted path
        compiled = engine.con.compile(table)
        query = f"SELECT {duckdb_columns()} FROM ({compiled})"  # noqa: S608 (Ibis's own SQL)
        target = str(output).replace("'", "''")
        engine.con.raw_sql(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        return int(pq.read_metadata(output).num_rows)
    frame = engine.session.sql(engine.con.compile(table))
    frame.write.mode("overwrite").parquet(str(output))
    return int(pq.ParquetDataset(output).read(columns=["reward"]).num_rows)


def compute(
    engine: Engine,
    events: ir.Table,
    program: Program,
    as_of: date,
    scratch: Scratch,
    *,
    run: BulkRun,
) -> Facts:
    return translate(
        events,
        program,
        as_of,
        dialect=engine.dialect,
        classify=text_classifier(
            program.calls,
            engine.to_arrow,
            engine=engine.name,
            fallbacks=run.texts,
            seam=run.text_seam,
        ),
        materialise=scratch.keep,
        count_rows=lambda table: _count(engine, table),
    )


class Scratch:
    """Intermediate tables computed once (what later steps and each streak round read
    again): temporary tables on DuckDB, cached frames on Spark; dropped after the run."""

    _runs = count()

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._prefix = f"_bulk_{next(self._runs)}_{id(self):x}"
        self._kept: list[Any] = []
        self._names: list[str] = []

    def keep(self, table: ir.Table) -> ir.Table:
        name = f"{self._prefix}_{len(self._names)}"
        self._names.append(name)
        con = self._engine.con
        if self._engine.name == "duckdb":
            return con.create_table(name, table, temp=True)
        # Spark: checkpointed on the executors, so the plans of later rounds stay short;
        # in-memory tables (reason codes, classified texts) are registered first.
        con._run_pre_execute_hooks(table)
        frame = self._engine.session.sql(con.compile(table)).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self._kept.append(frame)
        return con.table(name)

    def drop(self) -> None:
        for name in self._names:
            if self._engine.name == "duckdb":  # raw SQL: ibis 12's DROP loses the name
                self._engine.con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
            else:
                self._engine.session.catalog.dropTempView(name)
        for frame in self._kept:
            frame.unpersist()


CONTACT_FACTS = (
    "customer_id",
    "event_id",
    "type",
    "occurred_at",
    "occurred_at_text",
    "reason_code",
    "text",
    "direction",
    "reached_agent",
    "d_id",
    "d_type",
    "d_at",
    "d_end",
)
"""What the words of a contact's verdict are rendered from (the rest stays in the engine)."""


def fetch(engine: Engine, facts: Facts) -> FactTables:
    """Bring the facts over as Arrow, sorted by customer (the assembly walks them in step)."""

    def sorted_arrow(table: ir.Table) -> pa.Table:
        return engine.to_arrow(table.order_by("customer_id"))

    contacts = facts.contacts.select(*CONTACT_FACTS)
    return FactTables(
        customers=sorted_arrow(facts.customers),
        conflicts=sorted_arrow(facts.conflicts),
        contacts=sorted_arrow(contacts),
        due=sorted_arrow(facts.due),
        streaks=sorted_arrow(facts.streaks),
        late=sorted_arrow(facts.late),
    )
