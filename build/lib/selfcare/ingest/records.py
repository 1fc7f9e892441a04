"""From a raw row to a storable event: validation, limits, normalisation, fingerprint.

An event is stored in UTC. `recorded_at` (when selfcare learned of it) is the sender's when
given, else the moment of ingest, so a late call can never claw back a paid bonus. The
fingerprint is a hash of the event as sent: the same id with the same fingerprint is a
harmless re-send, with another fingerprint a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from selfcare.domain.events import Event
from selfcare.ingest.event_files import event_from_row
from selfcare.ingest.rows import RowProblem
from selfcare.store.tables import EventRow


@dataclass(frozen=True, slots=True)
class Candidate:
    """A valid event of a batch, with where it came from and its content as sent."""

    line: int
    event: Event
    fingerprint: str
    recorded_at_sent: bool

    @property
    def sent(self) -> dict[str, Any]:
        """The event as sent (in UTC), for showing next to a conflicting version."""
        sent = self.event.model_dump(mode="json")
        if not self.recorded_at_sent:
            sent["recorded_at"] = None
        return sent


def check_row(
    line: int, row: Mapping[str, Any], *, source: str, now: datetime, tolerance: timedelta
) -> Candidate | RowProblem:
    """Validate one row; times beyond `now + tolerance` are refused (clock errors, typos)."""
    outcome = event_from_row(row, source=source, line=line)
    if isinstance(outcome, RowProblem):
        return outcome
    limit = now + tolerance
    for name in ("occurred_at", "recorded_at"):
        moment = getattr(outcome, name)
        if moment is not None and moment > limit:
            reason = (
                f"lies in the future ({moment.isoformat()}); at most "
                f"{int(tolerance.total_seconds())} s ahead of {now.isoformat()} accepted"
            )
            return RowProblem(source, line, name, reason, _raw(row))
    return _candidate(line, outcome, now)


def _candidate(line: int, event: Event, now: datetime) -> Candidate:
    occurred = event.occurred_at.astimezone(UTC)
    sent_recorded = event.recorded_at.astimezone(UTC) if event.recorded_at else None
    recorded = sent_recorded if sent_recorded is not None else max(now, occurred)
    stored = event.model_copy(update={"occurred_at": occurred, "recorded_at": recorded})
    as_sent = (
        event  # already in UTC: the very JSON of its UTC copy, so no copy is needed
        if _offset_zero(event.occurred_at) and _offset_zero(event.recorded_at)
        else event.model_copy(update={"occurred_at": occurred, "recorded_at": sent_recorded})
    )
    return Candidate(line, stored, fingerprint(as_sent), sent_recorded is not None)


def _offset_zero(moment: datetime | None) -> bool:
    return moment is None or moment.utcoffset() == _ZERO


_ZERO = timedelta(0)


def fingerprint(as_sent: Event) -> str:
    """A hash of the event as sent, in UTC: equal for a re-send, different for any change."""
    return hashlib.sha256(as_sent.model_dump_json().encode()).hexdigest()


def event_values(candidate: Candidate, *, source: str, received_at: datetime) -> dict[str, Any]:
    """The `events` table row of a candidate."""
    event = candidate.event
    return {
        "event_id": event.event_id,
        "customer_id": event.customer_id,
        "type": event.type.value,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "recorded_at_sent": candidate.recorded_at_sent,
        "reason_code": event.reason_code,
        "text": event.text,
        "direction": event.direction.value,
        "reached_agent": event.reached_agent,
        "fingerprint": candidate.fingerprint,
        "source": source[:200],
        "received_at": received_at,
    }


def stored_version(row: EventRow) -> dict[str, Any]:
    """A stored event in the same shape as `Candidate.sent`, to show next to a conflict."""
    return {
        "event_id": row.event_id,
        "customer_id": row.customer_id,
        "type": row.type,
        "occurred_at": _iso(row.occurred_at),
        "recorded_at": _iso(row.recorded_at) if row.recorded_at_sent else None,
        "reason_code": row.reason_code,
        "text": row.text,
        "direction": row.direction,
        "reached_agent": row.reached_agent,
    }


def quarantine_values(problem: RowProblem, *, received_at: datetime) -> dict[str, Any]:
    """The `quarantine` table row of a problem: the row as sent and why it was refused."""
    return {
        "source": problem.source[:200],
        "line": problem.line,
        "field": problem.field[:200],
        "reason": problem.reason,
        "raw": problem.raw,
        "event_id": _event_id_of(problem.raw),
        "received_at": received_at,
    }


def _event_id_of(raw: str) -> str | None:
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, TypeError):
        return None
    event_id = value.get("event_id") if isinstance(value, dict) else None
    return event_id[:128] if isinstance(event_id, str) else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _raw(row: Mapping[str, Any]) -> str:
    return json.dumps(dict(row), default=str, ensure_ascii=False)
