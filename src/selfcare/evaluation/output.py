"""Writing an evaluation as it is computed: the JSON document, JSON Lines, or nothing held.

`selfcare evaluate --format json` prints one document, byte for byte what
`json.dumps(progress_to_json(...), ensure_ascii=False, indent=2)` printed when everything was
held in memory; here each customer is serialised (by pydantic's Rust serialiser, about six
times faster than the standard library's indenting encoder) and written as soon as it is
evaluated. `--format jsonl` writes one customer per line for tools that read line by line;
`--output results.parquet` writes the same fields as typed Parquet columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.parquet as pq
import pydantic_core

from selfcare.domain.progress import CustomerProgress, customer_to_json

_NESTED = "\n    "


def write_document(as_of: date, customers: Iterable[CustomerProgress], out: TextIO) -> int:
    """The `{"as_of", "customers": [...]}` document, indented by two; returns the count."""
    return write_document_parts(as_of, map(document_part, customers), out)


def document_part(customer: CustomerProgress) -> str:
    """One customer as it stands in the document: indented to its place in the list."""
    body = pydantic_core.to_json(customer_to_json(customer), indent=2).decode()
    return body.replace("\n", _NESTED)


def write_document_parts(as_of: date, parts: Iterable[str], out: TextIO) -> int:
    """The document around customers already rendered by `document_part` (in a worker
    process, say); returns the count."""
    out.write('{\n  "as_of": "' + as_of.isoformat() + '",\n  "customers": [')
    count = 0
    for part in parts:
        out.write(("," if count else "") + _NESTED + part)
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def write_lines(customers: Iterable[CustomerProgress], out: TextIO) -> int:
    """One customer per line (JSON Lines), compact; returns the count."""
    return write_rendered_lines(map(json_line, customers), out)


def json_line(customer: CustomerProgress) -> str:
    """One customer as its line of JSON Lines, line break included."""
    return pydantic_core.to_json(customer_to_json(customer)).decode() + "\n"


def write_rendered_lines(lines: Iterable[str], out: TextIO) -> int:
    """Lines already rendered by `json_line`; returns the count."""
    count = 0
    for line in lines:
        out.write(line)
        count += 1
    return count


_GRANT = pa.struct(
    [
        ("reward", pa.string()),
        ("amount_mb", pa.int64()),
        ("granted_on", pa.date32()),
        ("period", pa.string()),
    ]
)
_PENDING = pa.struct(
    [
        ("reward", pa.string()),
        ("amount_mb", pa.int64()),
        ("period", pa.string()),
        ("due_on", pa.date32()),
        ("reason", pa.string()),
        ("explanation", pa.string()),
    ]
)
_STREAK = pa.struct(
    [
        ("reward", pa.string()),
        ("status", pa.string()),
        ("window_start", pa.date32()),
        ("completes_on", pa.date32()),
        ("broken_by", pa.string()),
        ("completed_windows", pa.int64()),
        ("explanation", pa.string()),
    ]
)
_CALL = pa.struct(
    [
        ("event_id", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("category", pa.string()),
        ("counts", pa.bool_()),
        ("rule", pa.string()),
        ("explanation", pa.string()),
        ("matched", pa.list_(pa.string())),
    ]
)
RESULTS_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("enrolled_on", pa.date32()),
        ("earned_mb", pa.int64()),
        ("grants", pa.list_(_GRANT)),
        ("pending", pa.list_(_PENDING)),
        ("streaks", pa.list_(_STREAK)),
        ("calls", pa.list_(_CALL)),
        ("conflicting_event_ids", pa.list_(pa.string())),
    ]
)
"""One row per customer, the JSON contract's fields as typed columns (nested lists)."""

PARQUET_BATCH = 20_000


class ParquetSink:
    """Parquet results written in batches while the customers pass on to another writer."""

    def __init__(self, path: Path) -> None:
        self._writer = pq.ParquetWriter(path, RESULTS_SCHEMA, compression="zstd")
        self._batch: list[dict[str, object]] = []
        self.count = 0

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(self, *_: object) -> None:
        self._flush()
        self._writer.close()

    def add(self, customer: CustomerProgress) -> None:
        self._batch.append(customer.model_dump())
        self.count += 1
        if len(self._batch) >= PARQUET_BATCH:
            self._flush()

    def passing(self, customers: Iterable[CustomerProgress]) -> Iterator[CustomerProgress]:
        for customer in customers:
            self.add(customer)
            yield customer

    def _flush(self) -> None:
        if self._batch:
            self._writer.write_table(pa.Table.from_pylist(self._batch, schema=RESULTS_SCHEMA))
            self._batch = []


def write_parquet(customers: Iterable[CustomerProgress], path: Path) -> int:
    """The results as Parquet, written in batches as customers come; returns the count."""
    with ParquetSink(path) as sink:
        for customer in customers:
            sink.add(customer)
    return sink.count
