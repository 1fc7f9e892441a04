"""Events inserted in bulk: only those not stored yet, whichever way they travel.

On PostgreSQL new events are copied straight into the table after one lookup of their
ids; a key taken in the meantime (here: twice in the same call) rolls back to a savepoint
and the rows take the staged `INSERT … ON CONFLICT` way. Both backends answer alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from selfcare.bootstrap import App
from selfcare.domain.events import Event
from selfcare.domain.records import StoredEvent

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def stored(event_id: str, customer: str = "c1") -> StoredEvent:
    event = Event.model_validate(
        {
            "event_id": event_id,
            "customer_id": customer,
            "type": "portal_registered",
            "occurred_at": "2026-02-10T09:00:00Z",
            "recorded_at": "2026-02-10T09:00:00Z",
        }
    )
    return StoredEvent(
        event=event, fingerprint=f"f-{event_id}", recorded_at_sent=True, source="t", received_at=NOW
    )


def ids(app: App) -> list[str]:
    with app.uow(read_only=True) as work:
        return sorted(e.event_id for e in work.events.all())


def test_only_events_not_stored_yet_are_inserted_and_named(app: App) -> None:
    with app.uow() as work:
        assert work.events.insert_new([stored("e2"), stored("e1")]) == {"e1", "e2"}
        work.commit()
    with app.uow() as work:
        assert work.events.insert_new([stored("e3"), stored("e1"), stored("e4")]) == {"e3", "e4"}
        assert work.events.insert_new([stored("e1"), stored("e2")]) == set()
        work.commit()
    assert ids(app) == ["e1", "e2", "e3", "e4"]


def test_a_key_taken_after_the_lookup_falls_back_and_the_transaction_goes_on(app: App) -> None:
    """The same id twice in one call passes the lookup and fails the direct copy."""
    with app.uow() as work:
        work.events.insert_new([stored("e0")])
        inserted = work.events.insert_new([stored("e1"), stored("e2"), stored("e1"), stored("e0")])
        assert inserted == {"e1", "e2"}
        assert work.events.insert_new([stored("e3")]) == {"e3"}  # still a live transaction
        work.commit()
    assert ids(app) == ["e0", "e1", "e2", "e3"]
    with app.uow(read_only=True) as work:
        assert work.events.counts(["c1"]) == {"c1": 4}
