"""Only a key with `events:backfill` may say when an event was recorded.

A back-dated `recorded_at` could put a call behind a streak grant already in the ledger
(recorded before the settlement boundary, it breaks the streak the ledger has paid).
Without the scope the service stamps the time it received the event and says so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from selfcare.auth.scopes import Scope
from selfcare.customers.queries import customer_events
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.backfill import NOTE
from tests.integration.api_fixtures import Api, api

pytestmark = pytest.mark.integration
__all__ = ["api"]

STREAK = "nine_months_without_hotline"
ENROLLED = {
    "event_id": "inv",
    "customer_id": "c1",
    "type": "invitation_accepted",
    "occurred_at": "2025-05-01T09:00:00+02:00",
}
BACKDATED_CALL = {
    "event_id": "call",
    "customer_id": "c1",
    "type": "hotline_call",
    "occurred_at": "2025-12-01T09:00:00+01:00",
    "recorded_at": "2026-01-01T09:00:00+01:00",
    "text": "Frage zur Rechnung",
}


def progress(api: Api) -> dict[str, Any]:
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        body: dict[str, Any] = http.get("/api/v1/customers/c1/progress").json()
    return body


def streak_granted(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        assert http.post("/api/v1/events", json=ENROLLED).status_code == 201
    assert STREAK in {g.reward for g in customer_grants(uow=api.app.uow, customer_id="c1")}


def test_a_backdated_call_from_a_plain_key_cannot_contradict_a_paid_streak(api: Api) -> None:
    streak_granted(api)

    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post("/api/v1/events", json=BACKDATED_CALL)

    assert answer.status_code == 201
    assert STREAK in {g["reward"] for g in progress(api)["grants"]}
    [call] = [e for e in customer_events(uow=api.app.uow, customer_id="c1") if e.event_id == "call"]
    assert call.recorded_at == api.app.clock()
    assert (answer.json()["recorded_at_ignored"], answer.json()["notes"]) == (True, [NOTE])


def test_a_plain_key_in_a_batch_gets_receipt_time_and_a_count_of_ignored_values(
    api: Api,
) -> None:
    rows = [BACKDATED_CALL, {**ENROLLED, "recorded_at": None}]
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post("/api/v1/events:batch", json=rows).json()

    assert (answer["accepted"], answer["recorded_at_ignored"], answer["notes"]) == (2, 1, [NOTE])
    assert {e.recorded_at for e in customer_events(uow=api.app.uow, customer_id="c1")} == {
        api.app.clock()
    }


def test_a_backfill_key_sets_recorded_at_as_sent(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE, Scope.EVENTS_BACKFILL)) as http:
        single = http.post("/api/v1/events", json=BACKDATED_CALL).json()
        batch = http.post("/api/v1/events:batch", json=[{**BACKDATED_CALL, "event_id": "c2"}])

    assert (single["recorded_at_ignored"], single["notes"]) == (False, [])
    assert batch.json()["recorded_at_ignored"] == 0
    recorded = {e.recorded_at for e in customer_events(uow=api.app.uow, customer_id="c1")}
    assert recorded == {datetime(2026, 1, 1, 8, tzinfo=UTC)}
