"""Sending quarantined rows again once their cause is fixed (a program that now knows the
event type, a clock that caught up, a corrected row): the operator's `quarantine replay`.

Each row goes through ordinary ingest, so it is stored, found a duplicate, or quarantined
anew with today's reason; then the original quarantine row is removed. A crash in between
leaves a row twice in the quarantine, never none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from selfcare.errors import InvalidInput
from selfcare.ingest.service import Ingestor, IngestReport, ingest_rows


@dataclass(frozen=True, slots=True)
class Replay:
    """What a replay did: the ingest report and the rows that could not be sent again."""

    report: IngestReport
    replayed: tuple[int, ...]
    unreadable: tuple[int, ...]


def replay_quarantine(ingestor: Ingestor, row_ids: Sequence[int] = ()) -> Replay:
    """Send quarantined rows (all, or those named) through ingest again."""
    with ingestor.uow(read_only=True) as work:
        rows = work.quarantine.by_ids(row_ids) if row_ids else work.quarantine.list_(limit=10_000)
    missing = sorted(set(row_ids) - {r.id for r in rows})
    if missing:
        raise InvalidInput(f"quarantine: no row {', '.join(map(str, missing))}")
    sendable: list[tuple[int, Mapping[str, Any]]] = []
    unreadable: list[int] = []
    for row in rows:
        row_id = row.id or 0  # stored rows always have an id
        document = _as_object(row.raw)
        if document is None:
            unreadable.append(row_id)
        else:
            sendable.append((row_id, document))
    report = ingest_rows(ingestor, sendable, source="quarantine replay")
    replayed = [row_id for row_id, _ in sendable]
    with ingestor.uow() as work:
        work.quarantine.delete(replayed)
        work.commit()
    return Replay(report, tuple(replayed), tuple(unreadable))


def _as_object(raw: str) -> Mapping[str, Any] | None:
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, TypeError):
        return None
    return value if isinstance(value, dict) else None
