"""Per-customer, per-month counts in DuckDB: the events never enter Python row by row.

The same outcomes as `metrics.measure` (the pandas reference, held equal in the tests),
computed by SQL over an events file (JSON Lines, CSV, Parquet) or over the rows a database
query hands over. Each distinct (text, reason code) of a contact is classified once by the
project's own classifier and joined back as a small table; everything else (the hotline
pass as an as-of join, months in the program's time zone, repeat contacts by window
function) is DuckDB's, which streams the file and spills to disk rather than run out of
memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from selfcare.domain.calls import classify_text
from selfcare.domain.program import Program
from selfcare.errors import InvalidInput
from selfcare.pilot.metrics import CONTACTS, DIAGNOSES, REPEAT_DAYS, Measured, Window
from selfcare.pilot.sql_texts import (
    ACCEPTED_SQL,
    CLASSIFIED_SQL,
    EVENTS_SQL,
    MONTHLY_SQL,
    OUTCOMES_SQL,
    PAIRS_SQL,
    TASK_SQL,
    month_case,
    readers,
)

FIELDS = (
    "event_id",
    "customer_id",
    "type",
    "occurred_at",
    "reason_code",
    "text",
    "direction",
    "reached_agent",
)
REQUIRED = ("event_id", "customer_id", "type", "occurred_at")
ARROW_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("customer_id", pa.string()),
        ("type", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("reason_code", pa.string()),
        ("text", pa.string()),
        ("direction", pa.string()),
        ("reached_agent", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Limits:
    """DuckDB's resources: memory before it spills to `spill`, and threads."""

    memory: str = "2GB"
    threads: int | None = None
    spill: Path | None = None


DEFAULT_LIMITS = Limits()


def measure_file(
    path: Path,
    *,
    assignments: pd.DataFrame,
    program: Program,
    window: Window,
    complaint_codes: tuple[str, ...],
    limits: Limits = DEFAULT_LIMITS,
) -> Measured:
    """Every outcome the analysis needs, counted by DuckDB straight from an events file."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    with _connect(limits) as con:
        columns = _columns(con, path)
        missing = [
            c for c in ("event_id", "customer_id", "type", "occurred_at") if c not in columns
        ]
        if missing:
            raise InvalidInput(f"{path}: missing field(s) {', '.join(missing)}")
        select = ", ".join(_cast(name) if name in columns else f"NULL AS {name}" for name in FIELDS)
        con.execute(f"CREATE VIEW raw AS SELECT {select} FROM {_reader(path)}")  # noqa: S608 - names are ours, the path is quoted by _reader
        return _measure(
            con,
            str(path),
            assignments=assignments,
            program=program,
            window=window,
            complaint_codes=complaint_codes,
        )


def measure_rows(
    chunks: Iterable[list[tuple[object, ...]]],
    *,
    assignments: pd.DataFrame,
    program: Program,
    window: Window,
    complaint_codes: tuple[str, ...],
    limits: Limits = DEFAULT_LIMITS,
) -> Measured:
    """The same, over rows a database query selected (tuples in the order of FIELDS)."""
    batches = [
        pa.RecordBatch.from_pylist(
            [dict(zip(FIELDS, row, strict=True)) for row in chunk], schema=ARROW_SCHEMA
        )
        for chunk in chunks
    ]
    table = pa.Table.from_batches(batches, schema=ARROW_SCHEMA)
    with _connect(limits) as con:
        con.register("raw_rows", table)
        con.execute("CREATE VIEW raw AS SELECT * FROM raw_rows")
        return _measure(
            con,
            "database",
            unique_ids=True,  # the events table's primary key
            assignments=assignments,
            program=program,
            window=window,
            complaint_codes=complaint_codes,
        )


def _connect(limits: Limits) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": limits.memory})
    con.execute("SET TimeZone = 'UTC'")  # ICU is built in, but loads after the config
    if limits.threads:
        con.execute(f"SET threads = {int(limits.threads)}")
    # spill beside the other temporary files, never into the working folder (DuckDB's default)
    spill = limits.spill or Path(tempfile.gettempdir()) / "selfcare-duckdb"
    con.execute("SET temp_directory = ?", [str(spill)])
    return con


def _reader(path: Path) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    return readers(path.suffix.lower(), quoted)


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> set[str]:
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {_reader(path)}").fetchall()  # noqa: S608 - the path is quoted by _reader
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise InvalidInput(f"{path}: cannot be read: {first}") from None
    return {str(row[0]) for row in described}


def _cast(name: str) -> str:
    if name == "occurred_at":
        return "TRY_CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at"
    if name == "reached_agent":
        return (
            "CASE WHEN reached_agent IS NULL THEN NULL "
            "ELSE lower(trim(CAST(reached_agent AS VARCHAR))) NOT IN ('false', '0', 'no') "
            "END AS reached_agent"
        )
    return f"CAST({name} AS VARCHAR) AS {name}"


def _measure(
    con: duckdb.DuckDBPyConnection,
    source: str,
    *,
    unique_ids: bool = False,
    assignments: pd.DataFrame,
    program: Program,
    window: Window,
    complaint_codes: tuple[str, ...],
) -> Measured:
    assigned = pd.DataFrame({"customer_id": assignments["customer_id"].astype(str).to_numpy()})
    con.register("assigned_frame", assigned)
    # customers by a small integer from here on: joins, groups and windows on integers
    con.execute(
        "CREATE TEMP TABLE assigned AS "
        "SELECT customer_id, CAST(row_number() OVER () AS INTEGER) AS cid FROM assigned_frame"
    )
    params = _params(program, window, complaint_codes)
    con.register("verdict_frame", _verdicts(con, program))
    con.execute(
        "CREATE TEMP TABLE verdicts AS "
        "SELECT hash(text, code) AS vkey, text, code, category, topic_counts FROM verdict_frame"
    )
    _load_events(con, params, unique_ids=unique_ids)
    _check_times(con, source)
    starts = _month_starts(window)
    params |= {f"m{k}": moment for k, moment in enumerate(starts)}
    classified = CLASSIFIED_SQL.replace("{month}", month_case(len(starts)))
    con.execute(classified, _used(classified, params))
    con.execute(ACCEPTED_SQL)
    outcomes = con.execute(OUTCOMES_SQL, _used(OUTCOMES_SQL, params)).df()
    outcomes = outcomes.set_index("customer_id")
    monthly = con.execute(MONTHLY_SQL).df()
    tasks = _tasks(con, program)
    return _assemble(assignments, outcomes, tasks, monthly, window)


def _load_events(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], *, unique_ids: bool
) -> None:
    """The events kept for counting (EVENTS_SQL), each event id once (a re-sent id is a
    no-op). Counting distinct id hashes is cheap; the window that drops repeats is not, so
    it runs only when there are repeats (a hash collision only sends us down that exact
    path). A database's ids are unique already (its primary key)."""
    con.execute(EVENTS_SQL, _used(EVENTS_SQL, params))
    if unique_ids:
        return
    repeated = con.execute("SELECT count(*) > count(DISTINCT eid) FROM ev").fetchone()
    if repeated is not None and repeated[0]:
        once = f"{EVENTS_SQL} QUALIFY row_number() OVER (PARTITION BY r.event_id) = 1"
        con.execute(once, _used(once, params))


def _check_times(con: duckdb.DuckDBPyConnection, source: str) -> None:
    bad = con.execute("SELECT event_id FROM ev WHERE occurred_at IS NULL LIMIT 1").fetchone()
    if bad is not None:
        raise InvalidInput(f"{source}: event {bad[0]!r}: occurred_at is not an ISO 8601 time")


def _verdicts(con: duckdb.DuckDBPyConnection, program: Program) -> pd.DataFrame:
    """Each distinct (text, reason code) of a contact in the source, classified once (a
    first pass that reads only those columns of a Parquet file)."""
    distinct = con.execute(PAIRS_SQL, {"contacts": CONTACTS}).fetchall()
    verdicts = [
        classify_text(text or None, reason_code=code or None, rules=program.calls)
        for text, code in distinct
    ]
    return pd.DataFrame(
        {
            "text": [str(t) for t, _ in distinct],
            "code": [str(c) for _, c in distinct],
            "category": [v.category for v in verdicts],
            "topic_counts": [bool(v.counts) for v in verdicts],
        },
        columns=["text", "code", "category", "topic_counts"],
    ).astype({"text": "object", "code": "object", "category": "object", "topic_counts": "bool"})


def _params(program: Program, window: Window, complaint_codes: tuple[str, ...]) -> dict[str, Any]:
    rules = program.calls
    return {
        "contacts": CONTACTS,
        "diagnoses": DIAGNOSES,
        "counted_types": list(rules.counted_types),
        "count_unanswered": rules.count_unanswered,
        "pass_days": rules.hotline_pass_days,
        "zone": window.zone,
        "start": window.instant(window.start).to_pydatetime(),
        "pre_start": window.instant(window.pre_start).to_pydatetime(),
        "end": window.instant(window.end).to_pydatetime(),
        "codes": [c.upper() for c in complaint_codes] or [""],
        "repeat_days": REPEAT_DAYS,
    }


def _month_starts(window: Window) -> list[object]:
    """UTC instants where the pilot's local calendar months start: month 0 … the last one,
    plus the end of the last (months before the pilot count as -1, after as the last+1;
    only months inside [start, end) are ever used)."""
    first = pd.Timestamp(window.start)
    return [
        pd.Timestamp((first + pd.DateOffset(months=k)).date())
        .tz_localize(window.zone)
        .tz_convert("UTC")
        .to_pydatetime()
        for k in range(window.calendar_months + 1)
    ]


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters this statement names (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def _tasks(con: duckdb.DuckDBPyConnection, program: Program) -> pd.DataFrame:
    """Per task: which accepters did it (after accepting, unless the task counts prior)."""
    frames = {}
    for task in program.tasks:  # a handful of tasks, one query each
        done = con.execute(TASK_SQL, {"event": task.event, "prior": task.count_prior}).fetchall()
        frames[f"task_{task.id}"] = pd.Series(1.0, index=pd.Index([r[0] for r in done]))
    return pd.DataFrame(frames)


def _assemble(
    assignments: pd.DataFrame,
    outcomes: pd.DataFrame,
    tasks: pd.DataFrame,
    monthly: pd.DataFrame,
    window: Window,
) -> Measured:
    table = assignments.set_index("customer_id")[["arm", "stratum"]].copy()
    table["treat"] = (table["arm"] == "treatment").astype(np.float64)
    for name in ("counted", "counted_pre", "contacts", "complaints", "repeat_reception"):
        table[name] = outcomes[name].reindex(table.index, fill_value=0).astype(np.float64)
    accepted_at = _utc(outcomes["accepted_at"].reindex(table.index))
    table["accepted_at"] = accepted_at
    table["accepted"] = accepted_at.notna().astype(np.float64)
    table["churned"] = outcomes["churned"].reindex(table.index, fill_value=False)
    table["churned"] = table["churned"].fillna(False).astype(np.float64)
    table["first_counted_after_acceptance"] = _utc(
        outcomes["first_counted_after_acceptance"].reindex(table.index)
    )
    for column in tasks.columns:
        table[column] = tasks[column].reindex(table.index).fillna(0.0).astype(np.float64)
    grid = monthly.pivot_table(index="customer_id", columns="month", values="n", aggfunc="sum")
    grid = grid.reindex(index=table.index, columns=range(window.calendar_months), fill_value=0)
    return Measured(table, grid.fillna(0).astype(np.float64))


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True)
