"""Event ingest: validate, quarantine, store once, fold into progress, write due grants.

One transaction per batch: the valid events, the quarantined rows, the customers' new
states and the grants they made due (with their outbox entries) commit together. A batch
is never refused for its bad rows: they go to quarantine with the reason, the rest is
stored. Re-sending an event is harmless; the same id with other content is a conflict
(reported with both versions, and the refused version is quarantined too).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from selfcare.customers.projection import fold_events
from selfcare.domain.calendar import local_date
from selfcare.domain.program import Program
from selfcare.errors import Conflict, InvalidInput
from selfcare.ingest.records import (
    Candidate,
    check_row,
    event_values,
    quarantine_values,
    stored_version,
)
from selfcare.ingest.rows import (
    RawRow,
    RowProblem,
    rows_from_file,
    rows_from_jsonl,
    rows_from_objects,
)
from selfcare.store.retry import retry_on_contention
from selfcare.store.unit_of_work import UnitOfWork

DEFAULT_TOLERANCE = timedelta(minutes=5)
MAX_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class EventConflictItem:
    """An event id sent again with other content: what is stored and what was sent."""

    event_id: str
    line: int
    stored: dict[str, Any]
    received: dict[str, Any]


class EventConflict(Conflict):
    """The event id is already stored with other content; both versions are attached."""

    def __init__(self, items: list[EventConflictItem]) -> None:
        ids = ", ".join(item.event_id for item in items[:5])
        super().__init__(f"event id already stored with other content: {ids}")
        self.items = items


@dataclass(frozen=True, slots=True)
class Limits:
    """What ingest refuses: batches beyond `max_batch`, times beyond now + `tolerance`."""

    max_batch: int = MAX_BATCH
    tolerance: timedelta = DEFAULT_TOLERANCE


@dataclass
class IngestReport:
    """What became of every row of an input (the API and CLI render this)."""

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
            "conflicts": [
                {"event_id": c.event_id, "line": c.line, "stored": c.stored, "received": c.received}
                for c in self.conflicts
            ],
            "quarantined": [
                {"line": p.line, "field": p.field, "reason": p.reason} for p in self.quarantined
            ],
            "grants": len(self.grants),
            "held": len(self.held),
        }


@dataclass(frozen=True)
class Ingestor:
    """Everything ingest needs, wired once by the composition root."""

    uow: Callable[..., UnitOfWork]
    program: Program
    clock: Callable[[], datetime]
    limits: Limits = Limits()


def ingest_rows(ingestor: Ingestor, rows: Iterable[RawRow], *, source: str) -> IngestReport:
    """Ingest one batch of raw rows (at most `limits.max_batch`) in one transaction."""
    batch = list(rows)
    if len(batch) > ingestor.limits.max_batch:
        raise InvalidInput(
            f"{source}: {len(batch)} events in one batch; at most "
            f"{ingestor.limits.max_batch}, split the input"
        )
    return retry_on_contention(lambda: _ingest_once(ingestor, batch, source))


def _ingest_once(ingestor: Ingestor, batch: list[RawRow], source: str) -> IngestReport:
    now = ingestor.clock()
    report = IngestReport(source=source, received=len(batch))
    candidates = _sort_out(batch, source, now, ingestor.limits, report)
    today = local_date(now, ingestor.program.zone)
    with ingestor.uow() as work:
        _store(
            work, ingestor.program, candidates, source=source, now=now, today=today, report=report
        )
        rows = [quarantine_values(p, received_at=now) for p in report.quarantined]
        work.quarantine.add_many(rows)
        work.commit()
    return report


def _sort_out(
    batch: list[RawRow], source: str, now: datetime, limits: Limits, report: IngestReport
) -> list[Candidate]:
    """Valid, first-seen rows; bad rows to quarantine, repeats within the batch resolved."""
    seen: dict[str, Candidate] = {}
    for line, raw in batch:
        outcome = (
            raw
            if isinstance(raw, RowProblem)
            else check_row(line, raw, source=source, now=now, tolerance=limits.tolerance)
        )
        if isinstance(outcome, RowProblem):
            report.quarantined.append(outcome)
            continue
        first = seen.get(outcome.event.event_id)
        if first is None:
            seen[outcome.event.event_id] = outcome
        elif first.fingerprint == outcome.fingerprint:
            report.duplicates += 1
            report.duplicate_lines.append(line)
        else:
            _conflict(report, source, outcome, first.sent)
    return sorted(seen.values(), key=lambda c: c.event.event_id)


def _store(
    work: UnitOfWork,
    program: Program,
    candidates: list[Candidate],
    *,
    source: str,
    now: datetime,
    today: date,
    report: IngestReport,
) -> None:
    values = [event_values(c, source=source, received_at=now) for c in candidates]
    inserted = work.events.insert_new(values)
    others = [c for c in candidates if c.event.event_id not in inserted]
    stored = work.events.by_ids(c.event.event_id for c in others) if others else {}
    for candidate in others:
        row = stored[candidate.event.event_id]
        if row.fingerprint == candidate.fingerprint:
            report.duplicates += 1
            report.duplicate_lines.append(candidate.line)
        else:
            _conflict(report, source, candidate, stored_version(row))
    report.accepted = len(inserted)
    new_events = [c.event for c in candidates if c.event.event_id in inserted]
    folded = fold_events(work, program=program, events=new_events, today=today, now=now)
    report.grants.extend(folded.recorded.new)
    report.held.extend(folded.recorded.held)


def _conflict(
    report: IngestReport, source: str, candidate: Candidate, stored: dict[str, Any]
) -> None:
    item = EventConflictItem(candidate.event.event_id, candidate.line, stored, candidate.sent)
    report.conflicts.append(item)
    reason = "conflict: this event id is already stored with other content"
    report.quarantined.append(
        RowProblem(source, candidate.line, "event_id", reason, json.dumps(candidate.sent))
    )


def ingest_event(
    ingestor: Ingestor, event: Mapping[str, Any], *, source: str = "api"
) -> IngestReport:
    """Ingest one event; an invalid one is quarantined and raised as InvalidInput, a
    conflicting one raised as EventConflict (carrying both versions)."""
    report = ingest_rows(ingestor, [(1, event)], source=source)
    if report.conflicts:
        raise EventConflict(report.conflicts)
    if report.quarantined:
        problem = report.quarantined[0]
        raise InvalidInput(f"{problem.field}: {problem.reason}")
    return report


def ingest_batch(
    ingestor: Ingestor, body: list[Any] | str, *, source: str = "api:batch"
) -> IngestReport:
    """A batch as a JSON array (already parsed) or JSON Lines text."""
    if isinstance(body, str):
        return ingest_rows(ingestor, rows_from_jsonl(body, source=source), source=source)
    return ingest_rows(ingestor, rows_from_objects(body, source=source), source=source)


def ingest_file(
    ingestor: Ingestor, path: Path, *, on_batch: Callable[[IngestReport], None] | None = None
) -> IngestReport:
    """A JSON Lines, CSV or Parquet file, in transactions of at most `max_batch` rows."""
    total = IngestReport(source=str(path))
    batch: list[RawRow] = []
    for row in rows_from_file(path):
        batch.append(row)
        if len(batch) == ingestor.limits.max_batch:
            _file_batch(ingestor, batch, path, total, on_batch)
            batch = []
    if batch or not total.received:
        _file_batch(ingestor, batch, path, total, on_batch)
    return total


def _file_batch(
    ingestor: Ingestor,
    batch: list[RawRow],
    path: Path,
    total: IngestReport,
    on_batch: Callable[[IngestReport], None] | None,
) -> None:
    part = ingest_rows(ingestor, batch, source=str(path))
    total.add(part)
    if on_batch is not None:
        on_batch(part)
