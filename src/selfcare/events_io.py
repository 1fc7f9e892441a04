"""Reading events from JSON Lines and CSV: bad rows are reported, never crash, never vanish."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

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


@dataclass
class ReadResult:
    """The valid events of an input and a problem for every row that was not valid."""

    events: list[Event] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read_events(path: Path | str) -> ReadResult:
    """Read a JSON Lines (.jsonl/.ndjson/.json), CSV (.csv) or Parquet (.parquet) event file."""
    from selfcare.ingest.readers import rows_from_file  # the file readers live with ingest

    file = Path(path)
    return _validate(rows_from_file(file), str(file))


def parse_jsonl(text: str, *, source: str) -> ReadResult:
    """One JSON object per line; blank lines are skipped."""
    return _validate(rows_from_jsonl(text, source=source), source)


def parse_csv(text: str, *, source: str) -> ReadResult:
    """A header row naming event fields, then one event per row; empty cells mean 'not given'."""
    return _validate(rows_from_csv(text, source=source), source)


def rows_from_jsonl(text: str, *, source: str) -> Iterator[RawRow]:
    """Raw rows of JSON Lines with their line numbers; bad lines become problems."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowProblem(source, number, "-", f"not valid JSON: {exc.msg}", line)
            continue
        if not isinstance(value, dict):
            yield number, RowProblem(source, number, "-", "not a JSON object", line)
            continue
        yield number, value


def rows_from_csv(text: str, *, source: str) -> Iterator[RawRow]:
    """Raw rows of a CSV with a header of event fields; an unknown column refuses the file."""
    reader = csv.DictReader(io.StringIO(text))
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


def _validate(rows: Iterable[RawRow], source: str) -> ReadResult:
    result = ReadResult()
    for number, row in rows:
        if isinstance(row, RowProblem):
            result.problems.append(row)
            continue
        outcome = event_from_row(row, source=source, line=number)
        if isinstance(outcome, Event):
            result.events.append(outcome)
        else:
            result.problems.append(outcome)
    return result


def event_from_row(row: Mapping[str, Any], *, source: str, line: int) -> Event | RowProblem:
    """Validate one row; the problem names the first bad field in the sender's terms."""
    try:
        return Event.model_validate(dict(row))
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(p) for p in error["loc"]) or "-"
        reason = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            reason = "unknown field"
        elif error["type"] == "missing":
            reason = "is required"
        more = len(exc.errors()) - 1
        if more:
            reason += f" (and {more} more problem{'s' if more > 1 else ''})"
        return RowProblem(source, line, name, reason, json.dumps(dict(row), default=str))
