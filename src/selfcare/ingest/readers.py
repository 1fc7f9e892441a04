"""Raw rows from JSON Lines, CSV, Parquet or a list of objects, each with its line number.

Validation of a row is the shared `events_io.event_from_row`; this module only finds the
rows and keeps the line (or row) number so a quarantined row can be found again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from selfcare.errors import InvalidInput
from selfcare.events_io import EVENT_FIELDS, RawRow, RowProblem, rows_from_csv, rows_from_jsonl

__all__ = ["RawRow", "rows_from_csv", "rows_from_file", "rows_from_jsonl", "rows_from_objects"]
SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def rows_from_objects(items: Iterable[Any], *, source: str) -> Iterator[RawRow]:
    """A JSON array's elements; anything but an object is a problem at its position."""
    for number, item in enumerate(items, start=1):
        if isinstance(item, Mapping):
            yield number, item
        else:
            yield number, RowProblem(source, number, "-", "not a JSON object", _dump(item))


def rows_from_parquet(path: Path, *, source: str, batch_rows: int = 10_000) -> Iterator[RawRow]:
    """Parquet rows in file order (row numbers from 1); nulls are 'not given'."""
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{source}: cannot read Parquet: {exc}") from None
    unknown = [name for name in file.schema_arrow.names if name not in EVENT_FIELDS]
    if unknown:
        raise InvalidInput(
            f"{source}: unknown columns {', '.join(unknown)}; expected columns "
            f"from {', '.join(EVENT_FIELDS)}"
        )
    number = 0
    for batch in file.iter_batches(batch_size=batch_rows):
        for record in batch.to_pylist():
            number += 1
            yield number, {k: v for k, v in record.items() if v is not None}


def file_kind(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidInput(
            f"{path}: unknown event file type {path.suffix!r}; use .jsonl, .csv or .parquet"
        )
    return kind


def rows_from_file(path: Path) -> Iterator[RawRow]:
    """The raw rows of an event file, chosen by its suffix."""
    source = str(path)
    kind = file_kind(path)
    if kind == "parquet":
        return rows_from_parquet(path, source=source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read events: {exc}") from None
    if kind == "csv":
        return rows_from_csv(text, source=source)
    return rows_from_jsonl(text, source=source)


def _dump(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)
