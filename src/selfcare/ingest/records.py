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
from selfcare.domain.records import QuarantinedRow, StoredEvent
from selfcare.ingest.edge import instant_problem, storable, unstorable
from selfcare.ingest.event_files import event_from_row
from selfcare.ingest.rows import RowProblem


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
    line: int,
    row: Mapping[str, Any],
    *,
    source: str,
    now: datetime,
    tolerance: timedelta,
    earliest: datetime,
) -> Candidate | RowProblem:
    """Validate one row: nothing a database would refuse (edge.py), times neither before
    `earliest` (implausible) nor beyond `now + tolerance` (clock errors, typos)."""
    unusable = unstorable(row)
    if unusable is not None:
        return RowProblem(source, line, *unusable, _raw(row))
    outcome = event_from_row(row, source=source, line=line)
    if isinstance(outcome, RowProblem):
        return outcome
    for name in ("occurred_at", "recorded_at"):
        moment = getattr(outcome, name)
        reason = None if moment is None else _time_problem(moment, now, tolerance, earliest)
        if reason is not None:
            return RowProblem(source, line, name, reason, _raw(row))
    return _candidate(line, outcome, now)


def _time_problem(
    moment: datetime, now: datetime, tolerance: timedelta, earliest: datetime
) -> str | None:
    implausible = instant_problem(moment, earliest)
    if implausible is not None or moment <= now + tolerance:
        return implausible
    return (
        f"lies in the future ({moment.isoformat()}); at most "
        f"{int(tolerance.total_seconds())} s ahead of {now.isoformat()} accepted"
    )


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


def stored_event(candidate: Candidate, *, source: str, received_at: datetime) -> StoredEvent:
    """A candidate as storage keeps it: the event and what makes a re-send recognisable."""
    return StoredEvent(
        event=candidate.event,
        fingerprint=candidate.fingerprint,
        recorded_at_sent=candidate.recorded_at_sent,
        source=source,
        received_at=received_at,
    )


def stored_version(stored: StoredEvent) -> dict[str, Any]:
    """A stored event in the same shape as `Candidate.sent`, to show next to a conflict."""
    event = stored.event
    return {
        "event_id": event.event_id,
        "customer_id": event.customer_id,
        "type": event.type.value,
        "occurred_at": _iso(event.occurred_at),
        "recorded_at": _iso(event.recorded_at)
        if stored.recorded_at_sent and event.recorded_at
        else None,
        "reason_code": event.reason_code,
        "text": event.text,
        "direction": event.direction.value,
        "reached_agent": event.reached_agent,
    }


def quarantined(problem: RowProblem, *, received_at: datetime) -> QuarantinedRow:
    """A problem as quarantine keeps it: the row as sent and why it was refused."""
    event_id = _event_id_of(problem.raw)
    return QuarantinedRow(
        source=storable(problem.source)[:200],
        line=problem.line,
        field=storable(problem.field)[:200],
        reason=storable(problem.reason),
        raw=storable(problem.raw),
        event_id=None if event_id is None else storable(event_id)[:128],
        received_at=received_at,
    )


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
