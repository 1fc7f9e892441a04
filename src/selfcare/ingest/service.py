"""Event ingest: validate, quarantine, store once, fold into progress, write due grants.

One transaction per batch: the valid events, the quarantined rows, the customers' new
states and the grants they made due (with their outbox entries) commit together. A batch
is never refused for its bad rows: they go to quarantine with the reason, the rest is
stored. Re-sending an event is harmless; the same id with other content is a conflict
(reported with both versions, and the refused version is quarantined too).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from selfcare.customers.projection import fold_events
from selfcare.domain.calendar import local_date
from selfcare.domain.program import Program
from selfcare.errors import InvalidInput, SelfcareError
from selfcare.ingest.edge import EARLIEST_DEFAULT, earliest_instant
from selfcare.ingest.outcome import (
    BatchOutcome,
    EventConflict,
    EventConflictItem,
    IngestReport,
    RowOutcome,
    row_outcomes,
)
from selfcare.ingest.records import (
    Candidate,
    check_row,
    quarantined,
    stored_event,
    stored_version,
)
from selfcare.ingest.rows import (
    RawRow,
    RowProblem,
    rows_from_file,
    rows_from_jsonl,
    rows_from_objects,
)
from selfcare.store.ports import UnitOfWork
from selfcare.store.retry import is_refused_value, retry_on_contention
from selfcare.telemetry.metrics import Metrics

__all__ = [
    "BatchOutcome",
    "EventConflict",
    "EventConflictItem",
    "IngestReport",
    "Ingestor",
    "Limits",
    "RowOutcome",
    "ingest_batch",
    "ingest_event",
    "ingest_file",
    "ingest_rows",
    "quarantine",
    "submit_batch",
]

log = logging.getLogger(__name__)
DEFAULT_TOLERANCE = timedelta(minutes=5)
MAX_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class Limits:
    """What ingest refuses: batches beyond `max_batch`, times beyond now + `tolerance`,
    events before `earliest` (None: the program's `starts_on`, else 2000-01-01)."""

    max_batch: int = MAX_BATCH
    tolerance: timedelta = DEFAULT_TOLERANCE
    earliest: date | None = None


@dataclass(frozen=True)
class Ingestor:
    """Everything ingest needs, wired once by the composition root."""

    uow: Callable[..., UnitOfWork]
    program: Program
    clock: Callable[[], datetime]
    limits: Limits = Limits()
    metrics: Metrics = field(default_factory=Metrics, compare=False, repr=False)
    # the program in use now, when it can change while running (a newly published
    # version, console/current.py); None: `program` for good
    programs: Callable[[], Program] | None = field(default=None, compare=False, repr=False)

    def pinned(self) -> Ingestor:
        """This ingestor with the program in use now, fixed for one batch: every event of a
        batch is evaluated by one version, whatever is published meanwhile."""
        if self.programs is None:
            return self
        current = self.programs()
        return self if current is self.program else replace(self, program=current)

    @property
    def earliest(self) -> datetime:
        """The first moment events are accepted for; an earlier one is implausible (a
        year-1 event would otherwise earn a grant dated 0001-10-04, and be paid)."""
        day = self.limits.earliest or self.program.starts_on or EARLIEST_DEFAULT
        return earliest_instant(day, self.program.zone)


def ingest_rows(ingestor: Ingestor, rows: Iterable[RawRow], *, source: str) -> IngestReport:
    """Ingest one batch of raw rows (at most `limits.max_batch`) in one transaction."""
    batch = list(rows)
    ingestor = ingestor.pinned()
    if len(batch) > ingestor.limits.max_batch:
        raise InvalidInput(
            f"{source}: {len(batch)} events in one batch; at most "
            f"{ingestor.limits.max_batch}, split the input"
        )
    report = _ingest_apart(ingestor, batch, source)
    _count(ingestor.metrics, report)
    return report


def _count(metrics: Metrics, report: IngestReport) -> None:
    """Rows by outcome; a conflict is quarantined too, but counted once, as a conflict."""
    conflicts = len(report.conflicts)
    metrics.count_rows(
        stored=report.accepted,
        duplicate=report.duplicates,
        conflict=conflicts,
        quarantined=len(report.quarantined) - conflicts,
    )


def _ingest_apart(ingestor: Ingestor, batch: list[RawRow], source: str) -> IngestReport:
    """One transaction; should the database still refuse a value the edge let through,
    each half goes on in its own, down to the one row, which is quarantined. So one bad
    row never fails the others, whatever the database finds wrong with it."""
    try:
        return retry_on_contention(lambda: _ingest_once(ingestor, batch, source))
    except Exception as exc:
        if isinstance(exc, SelfcareError) or not is_refused_value(exc):
            raise
        if len(batch) == 1:
            return _refused(ingestor, batch[0], source, exc)
    half = len(batch) // 2
    report = _ingest_apart(ingestor, batch[:half], source)
    report.add(_ingest_apart(ingestor, batch[half:], source))
    return report


def _refused(ingestor: Ingestor, row: RawRow, source: str, exc: Exception) -> IngestReport:
    line, raw = row
    log.warning("ingest: the database refused row %s of %s: %s", line, source, exc)
    reason = f"refused by the database ({type(exc).__name__}); not stored"
    text = raw.raw if isinstance(raw, RowProblem) else json.dumps(dict(raw), default=str)
    problem = RowProblem(source, line, "-", reason, text)
    _keep(ingestor, [problem])
    return IngestReport(source=source, received=1, quarantined=[problem])


def _ingest_once(ingestor: Ingestor, batch: list[RawRow], source: str) -> IngestReport:
    now = ingestor.clock()
    report = IngestReport(source=source, received=len(batch))
    candidates = _sort_out(batch, source, now, ingestor, report)
    today = local_date(now, ingestor.program.zone)
    with ingestor.uow() as work:
        _store(work, ingestor, candidates, source=source, now=now, today=today, report=report)
        work.quarantine.add_many([quarantined(p, received_at=now) for p in report.quarantined])
        work.commit()
    return report


def _sort_out(
    batch: list[RawRow], source: str, now: datetime, ingestor: Ingestor, report: IngestReport
) -> list[Candidate]:
    """Valid, first-seen rows; bad rows to quarantine, repeats within the batch resolved."""
    seen: dict[str, Candidate] = {}
    tolerance, earliest = ingestor.limits.tolerance, ingestor.earliest
    for line, raw in batch:
        outcome = (
            raw
            if isinstance(raw, RowProblem)
            else check_row(
                line, raw, source=source, now=now, tolerance=tolerance, earliest=earliest
            )
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
    ingestor: Ingestor,
    candidates: list[Candidate],
    *,
    source: str,
    now: datetime,
    today: date,
    report: IngestReport,
) -> None:
    inserted = work.events.insert_new(
        [stored_event(c, source=source, received_at=now) for c in candidates]
    )
    others = [c for c in candidates if c.event.event_id not in inserted]
    stored = work.events.by_ids(c.event.event_id for c in others) if others else {}
    for candidate in others:
        kept = stored[candidate.event.event_id]
        if kept.fingerprint == candidate.fingerprint:
            report.duplicates += 1
            report.duplicate_lines.append(candidate.line)
        else:
            _conflict(report, source, candidate, stored_version(kept))
    report.accepted = len(inserted)
    new_events = [c.event for c in candidates if c.event.event_id in inserted]
    timed = ingestor.metrics.projection_seconds.time() if new_events else nullcontext()
    with timed:  # a write of only repeats projects nothing; its time would skew the buckets
        folded = fold_events(
            work, program=ingestor.program, events=new_events, today=today, now=now
        )
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
    rows: list[RawRow] = [(1, event)]
    report = ingest_rows(ingestor, rows, source=source)
    row_outcomes(rows, report)[0].raise_for_refusal()
    return report


def submit_batch(ingestor: Ingestor, rows: Iterable[RawRow], *, source: str) -> BatchOutcome:
    """Ingest a batch and say what became of each row, in input order."""
    batch = list(rows)
    report = ingest_rows(ingestor, batch, source=source)
    return BatchOutcome(report, row_outcomes(batch, report))


def quarantine(ingestor: Ingestor, problems: Iterable[RowProblem]) -> None:
    """Keep rows refused before ingest (e.g. by the API's schema) with their reasons."""
    kept = list(problems)
    _keep(ingestor, kept)
    ingestor.metrics.count_rows(quarantined=len(kept))


def _keep(ingestor: Ingestor, problems: Iterable[RowProblem]) -> None:
    now = ingestor.clock()
    with ingestor.uow() as work:
        work.quarantine.add_many([quarantined(p, received_at=now) for p in problems])
        work.commit()


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
