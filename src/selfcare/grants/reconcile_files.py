"""Reading the exports reconciliation compares, and writing its differences, as files.

Exports come as CSV, JSON Lines or Parquet (a file, or a folder of Parquet files). Every
file is loaded once into a DuckDB table with its row order (`ordinal`), with text columns
as text (a customer id "00123" stays "00123"), empty optional values as missing, and a
missing `units` as MB. Both reconciliation paths read these same tables, so they compare
the same data. Differences are written as CSV, JSON Lines or Parquet by the output's suffix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from selfcare.domain.progress import CustomerProgress
from selfcare.errors import InvalidInput
from selfcare.grants.charging import UNITS


@dataclass(frozen=True)
class Columns:
    """An export's columns: required ones, optional ones, and other names they go by."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (name in file, our name)


TEXT = {"amount_mb": "BIGINT"}
WRITE_BATCH = 50_000
LEDGER = Columns(
    ("grant_id", "customer_id", "reward", "period", "amount_mb", "status"),
    aliases=(("id", "grant_id"),),
)
CHARGING = Columns(
    ("id", "customer_id", "amount_mb"), ("idempotency_key", "units", "grant_id", "status")
)
EXPECTED = Columns(("customer_id", "reward", "period", "amount_mb"))

OUTPUT_SCHEMA = pa.schema(
    [
        ("check", pa.string()),
        ("kind", pa.string()),
        ("grant_id", pa.string()),
        ("customer_id", pa.string()),
        ("reward", pa.string()),
        ("period", pa.string()),
        ("expected_amount_mb", pa.int64()),
        ("ledger_amount_mb", pa.int64()),
        ("applied_amount_mb", pa.int64()),
        ("topup_ids", pa.string()),  # the charging system's top-up ids, comma-separated
        ("detail", pa.string()),
    ]
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def source_sql(path: Path) -> str:
    """The DuckDB table function that reads an export, by its suffix (a folder: Parquet)."""
    if path.is_dir():
        return f"read_parquet({_literal(str(path / '**' / '*.parquet'))}, hive_partitioning=true)"
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return f"read_csv({_literal(str(path))}, all_varchar=true, header=true)"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return f"read_json({_literal(str(path))}, format='newline_delimited')"
    if suffix == ".parquet":
        return f"read_parquet({_literal(str(path))})"
    raise InvalidInput(f"{path}: unknown file type; use .csv, .jsonl or .parquet")


def load(con: duckdb.DuckDBPyConnection, table: str, path: Path, columns: Columns) -> int:
    """Load an export into `table` (with `ordinal`); returns its row count."""
    source = _no_rows(columns) if _empty(path) else source_sql(path)
    try:
        present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        if table == "expected" and "grants" in present and "reward" not in present:
            source = _unnested_results(source)
            present = {"customer_id", "reward", "period", "amount_mb"}
        renamed = {ours: theirs for theirs, ours in columns.aliases if ours not in present}
        picks = [_pick(name, renamed.get(name, name), present, path) for name in columns.required]
        picks += [_optional(name, present) for name in columns.optional]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT row_number() OVER () AS ordinal, "
            + ", ".join(picks)
            + f" FROM {source}"
        )
        _refuse_gaps(con, table, path, columns.required)
        count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    except duckdb.Error as exc:
        raise InvalidInput(f"{path}: cannot read it: {str(exc).splitlines()[0]}") from None
    return int(count[0]) if count else 0


def _empty(path: Path) -> bool:
    """An export without a single byte (JSON Lines of no rows): a table of no rows."""
    return path.is_file() and path.stat().st_size == 0


def _no_rows(columns: Columns) -> str:
    names = [*columns.required, *columns.optional]
    typed = ", ".join(f"NULL::{TEXT.get(n, 'VARCHAR')} AS {n}" for n in names)
    return f"(SELECT {typed} WHERE false)"


def _unnested_results(source: str) -> str:
    """`selfcare evaluate --format jsonl` output: one row per customer with its grants."""
    return (
        "(SELECT customer_id, g.reward AS reward, g.period AS period, g.amount_mb AS amount_mb "
        f"FROM (SELECT customer_id, unnest(grants) AS g FROM {source}))"
    )


def _pick(name: str, column: str, present: set[str], path: Path) -> str:
    if column not in present:
        raise InvalidInput(f"{path}: no column {name!r}")
    kind = TEXT.get(name, "VARCHAR")
    return f'CAST("{column}" AS {kind}) AS {name}'


def _optional(name: str, present: set[str]) -> str:
    if name not in present:
        return f"{_literal(UNITS)} AS units" if name == "units" else f"NULL::VARCHAR AS {name}"
    value = f"NULLIF(CAST(\"{name}\" AS VARCHAR), '')"
    return (
        f"COALESCE({value}, {_literal(UNITS)}) AS units"
        if name == "units"
        else f"{value} AS {name}"
    )


def _refuse_gaps(
    con: duckdb.DuckDBPyConnection, table: str, path: Path, required: tuple[str, ...]
) -> None:
    for name in required:
        query = f"SELECT min(ordinal) FROM {table} WHERE {name} IS NULL"
        row = con.execute(query).fetchone()
        if row and row[0] is not None:
            raise InvalidInput(f"{path}: row {row[0]} has no {name}")


def write_expected(results: Iterable[CustomerProgress], path: Path) -> int:
    """Expected grants from evaluation results (any engine), as Parquet; returns the count."""
    schema = pa.schema(
        [
            ("customer_id", pa.string()),
            ("reward", pa.string()),
            ("period", pa.string()),
            ("amount_mb", pa.int64()),
        ]
    )
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for customer in results:
            batch.extend(
                {
                    "customer_id": customer.customer_id,
                    "reward": g.reward,
                    "period": g.period,
                    "amount_mb": g.amount_mb,
                }
                for g in customer.grants
            )
            if len(batch) >= WRITE_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count, batch = count + len(batch), []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count + len(batch)


@contextmanager
def difference_writer(path: Path) -> Iterator[Any]:
    """A function that appends rows (dicts in `OUTPUT_SCHEMA`) to the output file."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".parquet"}:
        raise InvalidInput(f"{path}: unknown output type; use .csv, .jsonl or .parquet")
    if suffix == ".parquet":
        with pq.ParquetWriter(path, OUTPUT_SCHEMA) as parquet:
            yield lambda rows: parquet.write_table(_table(rows))
    elif suffix == ".csv":
        with pa_csv.CSVWriter(path, OUTPUT_SCHEMA) as csv:
            yield lambda rows: csv.write_table(_table(rows))
    else:
        with path.open("w", encoding="utf-8") as out:
            yield lambda rows: out.writelines(
                json.dumps(r, ensure_ascii=False) + "\n" for r in rows
            )


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=OUTPUT_SCHEMA)
