"""Evaluate a program over an event file or lake on a bulk engine, customer by customer."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from selfcare.bulk.assemble import FactTables, customers
from selfcare.bulk.backends import UTC_TS, Engine
from selfcare.bulk.caps_sql import Payer, pay
from selfcare.bulk.classify import Classifier, TextFallbacks, text_classifier
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
    parts: int = 1  # pieces of whole customers evaluated one after the other


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


PART_EVENTS = 20_000_000
"""Events per part on DuckDB's nightly path. A larger input is cut into parts by ranges of
customer ids and each part evaluated on its own (every rule reads one customer's events):
a 100 M-event lake in one piece spilled 17 GB and failed under a 3 GB buffer limit, while
20 M events fit in 3.4 GB."""
SAMPLE_ROWS = 200_000
"""Customer ids sampled for the parts' boundaries (their sizes vary by a few per cent)."""


def facts_path(
    engine: Engine,
    path: Path,
    program: Program,
    as_of: date,
    output: Path,
    *,
    run: BulkRun | None = None,
    part_events: int = PART_EVENTS,
) -> None:
    """The facts of every customer and reward written by the engine itself to `output`
    (Parquet): no customer passes through Python, caps included. On DuckDB an input of
    more than `part_events` rows is evaluated in parts of whole customers, one after the
    other, and the parts' facts written to `output` in customer order."""
    source: Source = read(engine, path)
    run = run if run is not None else BulkRun()
    rows = _scalar(engine, source.rows)
    parts = -(-rows // part_events) if engine.name == "duckdb" and part_events > 0 else 1
    if engine.name == "duckdb":
        # every order this path needs is stated (windows, ORDER BY): DuckDB may then stream
        # and spill its temporary tables without keeping the order rows were made in
        engine.con.raw_sql("SET preserve_insertion_order = false")
    try:
        if parts <= 1:
            run.rows = _facts_written(engine, source.events, program, as_of, output, run=run)
        else:
            run.rows = _facts_in_parts(
                engine, source.events, program, as_of, output, parts=parts, run=run
            )
        # the rows read less those accepted: no second pass over the normalised source
        run.refused = rows - run.accepted
    finally:
        if engine.name == "duckdb":
            engine.con.raw_sql("RESET preserve_insertion_order")


def _facts_written(
    engine: Engine,
    events: ir.Table,
    program: Program,
    as_of: date,
    output: Path,
    *,
    run: BulkRun,
    classify: Classifier | None = None,
) -> int:
    """One piece: its facts computed and written to `output`; the rows written."""
    scratch = Scratch(engine)
    try:
        table = facts_of(engine, events, program, as_of, scratch, run=run, classify=classify)
        return write(engine, table, output)
    finally:
        scratch.drop()


def _facts_in_parts(
    engine: Engine,
    events: ir.Table,
    program: Program,
    as_of: date,
    output: Path,
    *,
    parts: int,
    run: BulkRun,
) -> int:
    """The events written once as parts by customer-id range (Parquet beside `output`),
    each part evaluated as a whole input, and the parts' facts joined in range order. Texts
    are classified once for the whole run; the streak and cap rounds are the most any part
    needed."""
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".selfcare-parts-") as folder:
        pieces = _split(engine, events, parts, Path(folder) / "events")
        if not pieces:  # every row refused
            return _facts_written(engine, events, program, as_of, output, run=run)
        run.parts = len(pieces)
        texts = Remembered(engine, _classifier(engine, program, run))
        written: list[Path] = []
        try:
            for number, piece in enumerate(pieces):
                part_run = BulkRun(text_seam=run.text_seam, texts=run.texts)
                target = Path(folder) / f"facts-{number:04d}.parquet"
                _facts_written(engine, piece, program, as_of, target, run=part_run, classify=texts)
                run.accepted += part_run.accepted
                run.cap_rounds = max(run.cap_rounds, part_run.cap_rounds)
                for reward, rounds in part_run.rounds.items():
                    run.rounds[reward] = max(run.rounds.get(reward, 0), rounds)
                written.append(target)
        finally:
            texts.drop()  # like each part's scratch tables, also when a part fails
        return _joined(written, output)


def _split(engine: Engine, events: ir.Table, parts: int, folder: Path) -> list[ir.Table]:
    """The events as `parts` Parquet folders of whole customers, by ranges of customer id
    drawn from a sample; the parts in id order (an empty one left out)."""
    bounds = _bounds(engine, events, parts)
    part = ibis.cases(
        *((events.customer_id < bound, number) for number, bound in enumerate(bounds)),
        else_=len(bounds),
    )
    compiled = engine.con.compile(events.mutate(_part=part))
    target = str(folder).replace("'", "''")
    engine.con.raw_sql(f"COPY ({compiled}) TO '{target}' (FORMAT parquet, PARTITION_BY (_part))")
    schema = events.schema()
    return [
        engine.con.read_parquet(str(folder / f"_part={n}" / "*.parquet")).cast(schema)
        for n in range(len(bounds) + 1)
        if (folder / f"_part={n}").is_dir()
    ]


def _bounds(engine: Engine, events: ir.Table, parts: int) -> list[str]:
    """Customer ids cutting a sample into `parts` ranges of about equal size."""
    compiled = engine.con.compile(events.select("customer_id"))
    cuts = ", ".join(str(n / parts) for n in range(1, parts))
    quantiles = engine.con.raw_sql(
        f"SELECT quantile_disc(customer_id, [{cuts}]) FROM ({compiled}) "  # noqa: S608 (Ibis SQL, fractions)
        f"USING SAMPLE reservoir({SAMPLE_ROWS} ROWS)"
    ).fetchone()
    found = quantiles[0] if quantiles and quantiles[0] else []
    return sorted(set(found))


def _joined(parts: list[Path], output: Path) -> int:
    """The parts' facts, each in customer order and the parts in range order, as one file,
    row group after row group. DuckDB marks a column required where its plan for that part
    proves it never null, which differs between parts: the file's columns are all optional."""
    rows = 0
    schema = pa.schema([f.with_nullable(True) for f in pq.read_schema(parts[0])])
    with pq.ParquetWriter(output, schema, compression="zstd") as writer:
        for part in parts:
            file = pq.ParquetFile(part)
            for group in range(file.num_row_groups):
                table = file.read_row_group(group).cast(schema)
                writer.write_table(table)
                rows += table.num_rows
    return rows


def facts_of(
    engine: Engine,
    events: ir.Table,
    program: Program,
    as_of: date,
    scratch: Scratch,
    *,
    run: BulkRun,
    classify: Classifier | None = None,
) -> ir.Table:
    """The rows of `facts.FACTS_SCHEMA` as one engine expression."""
    facts = compute(engine, events, program, as_of, scratch, run=run, classify=classify)
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
    classify: Classifier | None = None,
) -> Facts:
    return translate(
        events,
        program,
        as_of,
        dialect=engine.dialect,
        classify=classify or _classifier(engine, program, run),
        materialise=scratch.keep,
        count_rows=lambda table: _count(engine, table),
    )


def _classifier(engine: Engine, program: Program, run: BulkRun) -> Classifier:
    return text_classifier(
        program.calls, engine.to_arrow, engine=engine.name, fallbacks=run.texts, seam=run.text_seam
    )


class Remembered:
    """A text classifier for a run in parts: each distinct text is classified once (and a
    fallback counted once); the texts classified so far are kept in a temporary table and
    each part's new texts added to it. A part gets every text known so far, which its
    contacts' left join reads as it reads its own."""

    def __init__(self, engine: Engine, classify: Classifier) -> None:
        self._classify = classify
        self._scratch = Scratch(engine)
        self._known: ir.Table | None = None

    def __call__(self, distinct_texts: ir.Table) -> ir.Table:
        known = self._known
        new = distinct_texts if known is None else distinct_texts.anti_join(known, "text")
        classified = self._classify(self._scratch.keep(new))
        self._known = self._scratch.keep(classified if known is None else known.union(classified))
        return self._known

    def drop(self) -> None:
        self._scratch.drop()


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
