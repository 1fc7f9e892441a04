"""Raw rows of an event input (JSON Lines, CSV, Parquet, a JSON array), each with its line.

Rows are found here and validated in `event_files`; keeping the line (or row) number lets a
quarantined row be found again, and a bad line becomes a problem instead of a crash.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from selfcare.domain.events import Event
from selfcare.errors import InvalidInput

EVENT_FIELDS = tuple(Event.model_fields)
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass(frozen=True)
class RowProblem:
    """One unusable row: where it is, which field, and why (shown to the person who sent it)."""

    source: str
    line: int
    field: str
    reason: str
    raw: str = ""

    def __str__(self) -> str:
        return f"{self.source}, line {self.line}, field {self.field}: {self.reason}"


RawRow = tuple[int, Mapping[str, Any] | RowProblem]
"""A row as read (line number and raw mapping) or the problem that made it unreadable."""


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
    """The raw rows of an event file, chosen by its suffix, read as a stream.

    The file is opened here, so a missing or unreadable file is refused at once; its rows are
    then read line by line, so memory does not grow with the file.
    """
    source = str(path)
    kind = file_kind(path)
    if kind == "parquet":
        return rows_from_parquet(path, source=source)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read events: {exc}") from None
    return _rows_of_open_file(handle, kind, source)


def _rows_of_open_file(handle: TextIO, kind: str, source: str) -> Iterator[RawRow]:
    with handle:
        try:
            if kind == "csv":
                yield from _rows_from_csv_lines(handle, source=source)
            else:
                yield from rows_from_jsonl_lines(handle, source=source)
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{source}: cannot read events: {exc}") from None


def _dump(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def rows_from_jsonl(text: str, *, source: str) -> Iterator[RawRow]:
    """Raw rows of JSON Lines with their line numbers; bad lines become problems.

    Lines end at line breaks only (as when reading a file), not at the other characters
    `str.splitlines` breaks on, such as U+2028, which JSON allows inside strings.
    """
    return rows_from_jsonl_lines(io.StringIO(text, newline=""), source=source)


def rows_from_jsonl_lines(lines: Iterable[str], *, source: str) -> Iterator[RawRow]:
    """The same for lines as they come (a file being read); blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            text = line.rstrip("\r\n")
            yield number, RowProblem(source, number, "-", f"not valid JSON: {exc.msg}", text)
            continue
        if not isinstance(value, dict):
            yield number, RowProblem(source, number, "-", "not a JSON object", line.rstrip("\r\n"))
            continue
        yield number, value


def rows_from_csv(text: str, *, source: str) -> Iterator[RawRow]:
    """Raw rows of a CSV with a header of event fields; an unknown column refuses the file."""
    return _rows_from_csv_lines(io.StringIO(text), source=source)


def _rows_from_csv_lines(lines: Iterable[str], *, source: str) -> Iterator[RawRow]:
    reader = csv.DictReader(lines)
    unknown = [name for name in reader.fieldnames or [] if name not in EVENT_FIELDS]
    if not reader.fieldnames or unknown:
        what = f"unknown columns {', '.join(unknown)}" if unknown else "no header row"
        raise InvalidInput(
            f"{source}: line 1: {what}; expected columns from {', '.join(EVENT_FIELDS)}"
        )
    for record in reader:
        number = reader.line_num
        if None in record:
            raw = json.dumps(record, default=str, ensure_ascii=False)
            yield number, RowProblem(source, number, "-", "more cells than columns", raw)
            continue
        yield number, _csv_row(record)


def _csv_row(record: Mapping[str, str | None]) -> dict[str, Any]:
    row: dict[str, Any] = {k: v for k, v in record.items() if v not in (None, "")}
    flag = row.get("reached_agent")
    if isinstance(flag, str) and flag.strip().lower() in _BOOLEANS:
        row["reached_agent"] = _BOOLEANS[flag.strip().lower()]
    return row
