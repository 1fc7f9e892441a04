"""Who may say when an event was recorded: only a sender trusted to load history.

`recorded_at` decides what an event can still change: a call recorded before a streak's
settlement boundary breaks it, one recorded after never claws the grant back. A sender
who may set it freely can back-date a call behind a grant already in the ledger and so
contradict it. Over the API only a key with `events:backfill` may set it; for any other
key the service drops the sent value, stamps the time it received the event, and says so
in the answer. (`selfcare ingest` runs with the operator's own database access and keeps
the sent value: whoever runs it could write the database directly anyway.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from selfcare.ingest.rows import RawRow

FIELD = "recorded_at"
NOTE = (
    "recorded_at was ignored: only a key with the scope events:backfill may set it; "
    "the event is recorded at the time the service received it"
)


@dataclass(frozen=True, slots=True)
class Stamped:
    """Rows with any sent `recorded_at` dropped, and how many carried one."""

    rows: list[RawRow]
    ignored: int


def sent_recorded_at(row: Mapping[str, Any]) -> bool:
    """Whether a row names a `recorded_at` (null means not given)."""
    return row.get(FIELD) is not None


def without_recorded_at(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != FIELD}


def stamp_rows(rows: Iterable[RawRow]) -> Stamped:
    """Drop the `recorded_at` of every readable row (the service stamps receipt time)."""
    kept: list[RawRow] = []
    ignored = 0
    for line, row in rows:
        if isinstance(row, Mapping) and sent_recorded_at(row):
            ignored += 1
            row = without_recorded_at(row)
        kept.append((line, row))
    return Stamped(kept, ignored)
