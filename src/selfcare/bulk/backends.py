"""The two engines behind one Ibis translation, and the few functions they spell apart.

Instants are Ibis timestamps in UTC on both engines (each session runs in UTC). What differs
is only how a backend turns a UTC instant into a local wall-clock reading and back; those
two built-in functions are declared here per backend and handed to the translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

UTC_TS = dt.Timestamp(timezone="UTC")
WALL = dt.Timestamp()
ENGINES = ("duckdb", "spark")


def _builtin(name: str, args: tuple[dt.DataType, ...], result: dt.DataType) -> Callable[..., Any]:
    def fn(_first: Any, _second: Any) -> None:  # never called: the backend's function is
        return None

    return ibis.udf.scalar.builtin(fn, name=name, signature=(args, result))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Dialect:
    """How one backend converts between UTC instants and wall-clock readings in a zone."""

    to_wall: Callable[[str, ir.Value], ir.TimestampValue]
    from_wall: Callable[[str, ir.Value], ir.TimestampValue]


def _duckdb_dialect() -> Dialect:
    to_wall = _builtin("timezone", (dt.string, UTC_TS), WALL)
    from_wall = _builtin("timezone", (dt.string, WALL), UTC_TS)
    return Dialect(to_wall=to_wall, from_wall=from_wall)


def _spark_dialect() -> Dialect:
    to_wall = _builtin("from_utc_timestamp", (UTC_TS, dt.string), UTC_TS)
    from_wall = _builtin("to_utc_timestamp", (UTC_TS, dt.string), UTC_TS)
    return Dialect(
        to_wall=lambda zone, ts: to_wall(ts, zone),
        from_wall=lambda zone, ts: from_wall(ts, zone),
    )


@dataclass
class Engine:
    """A connected backend: the Ibis connection, its name and its dialect."""

    name: str
    con: Any
    dialect: Dialect
    session: Any = None  # the SparkSession on Spark

    def to_arrow(self, table: ir.Table) -> pa.Table:
        """A result as Arrow (Spark's own Arrow export: ibis would go through pandas)."""
        if self.name == "duckdb":
            return table.to_pyarrow()
        self.con._run_pre_execute_hooks(table)
        return self.session.sql(self.con.compile(table)).toArrow()

    def close(self) -> None:
        if self.name == "duckdb":
            self.con.disconnect()


def connect(
    name: str,
    *,
    spark_master: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    spill_to: str | None = None,
) -> Engine:
    """Open the engine `name` (duckdb in process; spark local or at `spark_master`).
    DuckDB: `memory_limit` (e.g. `3GB`) bounds its buffers, what does not fit is written
    to `spill_to` (DuckDB's own default: `.tmp` in the working folder)."""
    if name == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone = 'UTC'")
        if threads:
            con.raw_sql(f"SET threads = {int(threads)}")
        if memory_limit:
            con.raw_sql(f"SET memory_limit = '{_quoted(memory_limit)}'")
        if spill_to:
            con.raw_sql(f"SET temp_directory = '{_quoted(spill_to)}'")
        return Engine("duckdb", con, _duckdb_dialect())
    if name == "spark":
        from selfcare.bulk.spark import session as spark_session

        spark = spark_session(spark_master)
        return Engine("spark", ibis.pyspark.connect(spark), _spark_dialect(), session=spark)
    msg = f"unknown engine {name!r}; use one of {', '.join(ENGINES)}"
    raise ValueError(msg)


def _quoted(value: str) -> str:
    return value.replace("'", "''")
