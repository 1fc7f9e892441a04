"""Events from JSON Lines, CSV and Parquet: bad rows are reported, never crash, never vanish."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from selfcare.domain.events import Event
from selfcare.ingest.rows import RawRow, RowProblem, rows_from_csv, rows_from_file, rows_from_jsonl


@dataclass
class ReadResult:
    """The valid events of an input and a problem for every row that was not valid."""

    events: list[Event] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read_events(path: Path | str) -> ReadResult:
    """Read a JSON Lines (.jsonl/.ndjson/.json), CSV (.csv) or Parquet (.parquet) event file."""
    file = Path(path)
    return _validate(rows_from_file(file), str(file))


def parse_jsonl(text: str, *, source: str) -> ReadResult:
    """One JSON object per line; blank lines are skipped."""
    return _validate(rows_from_jsonl(text, source=source), source)


def parse_csv(text: str, *, source: str) -> ReadResult:
    """A header row naming event fields, then one event per row; empty cells mean 'not given'."""
    return _validate(rows_from_csv(text, source=source), source)


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
