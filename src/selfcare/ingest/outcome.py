"""What became of ingested rows: one report per write, one outcome per row.

The API's single event, its batches, its grouped single events and the CLI all read the
same outcome, so "stored / duplicate / conflict / quarantined" and the refusal of a single
event (`RowOutcome.raise_for_refusal`) are decided once, here, and rendered by each entry
point in its own terms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from selfcare.errors import Conflict, InvalidInput
from selfcare.ingest.edge import storable
from selfcare.ingest.rows import RawRow, RowProblem


@dataclass(frozen=True, slots=True)
class EventConflictItem:
    """An event id sent again with other content: what is stored and what was sent."""

    event_id: str
    line: int
    stored: dict[str, Any]
    received: dict[str, Any]

    @property
    def fields(self) -> list[str]:
        """The names of the fields in which the two versions differ.

        Only names leave the service in an API answer: an `events:write` key feeds events
        in and must not read them back, so the stored values (another system's texts,
        times, customers) are never shown to it.
        """
        names = set(self.stored) | set(self.received)
        return sorted(n for n in names if self.stored.get(n) != self.received.get(n))


class EventConflict(Conflict):
    """The event id is already stored with other content; both versions are attached (for
    the services and the operator's CLI; the API names the differing fields only)."""

    def __init__(self, items: list[EventConflictItem]) -> None:
        if len(items) == 1:
            message = (
                f"event {items[0].event_id!r} is already stored with other content in: "
                + ", ".join(items[0].fields)
            )
        else:
            ids = ", ".join(item.event_id for item in items[:5])
            message = f"event id already stored with other content: {ids}"
        super().__init__(message)
        self.items = items

    def fields(self) -> list[str] | None:
        """The differing field names of a single conflicting event (None for several)."""
        if len(self.items) != 1:
            return None
        return self.items[0].fields


@dataclass
class IngestReport:
    """What became of every row of an input, by kind (the CLI prints this)."""

    source: str
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    duplicate_lines: list[int] = field(default_factory=list)
    conflicts: list[EventConflictItem] = field(default_factory=list)
    quarantined: list[RowProblem] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        """Count `other`'s rows in too (a file ingested in several transactions)."""
        self.received += other.received
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.duplicate_lines.extend(other.duplicate_lines)
        self.conflicts.extend(other.conflicts)
        self.quarantined.extend(other.quarantined)
        self.grants.extend(other.grants)
        self.held.extend(other.held)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "conflicts": [conflict_json(c) for c in self.conflicts],
            "quarantined": [
                {"line": p.line, "field": p.field, "reason": p.reason} for p in self.quarantined
            ],
            "grants": len(self.grants),
            "held": len(self.held),
        }


def conflict_json(item: EventConflictItem) -> dict[str, Any]:
    """A conflict as the operator's CLI shows it: the id, the line and both versions (the
    API shows `conflict_fields_json`: names only)."""
    return {
        "event_id": item.event_id,
        "line": item.line,
        "stored": item.stored,
        "received": item.received,
    }


def conflict_fields_json(item: EventConflictItem) -> dict[str, Any]:
    """A conflict as the API shows it: the id, the line and the names of the fields that
    differ, never the stored values."""
    return {"event_id": item.event_id, "line": item.line, "fields": item.fields}


class RowStatus(StrEnum):
    """What became of one row."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    QUARANTINED = "quarantined"


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What became of one row; `grants`/`held` count the new grants of its customer that
    the write made due (given on the customer's last stored row of the write)."""

    line: int
    event_id: str | None
    status: RowStatus
    conflict: EventConflictItem | None = None
    problem: RowProblem | None = None
    grants: int = 0
    held: int = 0

    def raise_for_refusal(self) -> None:
        """For a single event: a conflict or a quarantined row is refused as an error."""
        if self.conflict is not None:
            raise EventConflict([self.conflict])
        if self.problem is not None:
            raise InvalidInput(f"{self.problem.field}: {self.problem.reason}")


@dataclass(frozen=True)
class BatchOutcome:
    """A batch's report and one outcome per row in input order."""

    report: IngestReport
    rows: list[RowOutcome]

    @property
    def quarantined(self) -> int:
        """Rows quarantined for being invalid (conflicts, quarantined too, not counted)."""
        return len(self.report.quarantined) - len(self.report.conflicts)


def row_outcomes(rows: Sequence[RawRow], report: IngestReport) -> list[RowOutcome]:
    """One outcome per row, in input order, read from the report of their write."""
    conflicts = {c.line: c for c in report.conflicts}
    problems = {p.line: p for p in report.quarantined}
    duplicates = set(report.duplicate_lines)
    outcomes = []
    for line, raw in rows:
        event_id = event_id_of(raw)
        if line in conflicts:
            outcome = RowOutcome(line, event_id, RowStatus.CONFLICT, conflict=conflicts[line])
        elif line in problems:
            problem = problems[line]
            shown = replace(problem, field=storable(problem.field), reason=storable(problem.reason))
            outcome = RowOutcome(line, event_id, RowStatus.QUARANTINED, problem=shown)
        elif line in duplicates:
            outcome = RowOutcome(line, event_id, RowStatus.DUPLICATE)
        else:
            outcome = RowOutcome(line, event_id, RowStatus.STORED)
        outcomes.append(outcome)
    return outcomes


def event_id_of(raw: Mapping[str, Any] | RowProblem) -> str | None:
    """The row's event id as sent (trimmed), if it has a usable one."""
    if isinstance(raw, RowProblem):
        return None
    value = raw.get("event_id")
    if not isinstance(value, str) or not value.strip():
        return None
    shown = storable(value.strip())
    return shown if shown.isascii() else unicodedata.normalize("NFC", shown)
