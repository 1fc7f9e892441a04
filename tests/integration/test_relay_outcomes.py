"""What the relay does with each answer of the charging system (in-memory fake, scripted)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from selfcare.bootstrap import App
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.ledger import list_grants, reconcile_ledger
from selfcare.ingest.service import ingest_batch
from tests.integration.conftest import Clock

pytestmark = pytest.mark.integration


def one_grant_due(app: App) -> str:
    report = ingest_batch(
        app.ingestor,
        [
            {
                "event_id": "inv",
                "customer_id": "c1",
                "type": "invitation_accepted",
                "occurred_at": "2026-03-01T09:00:00Z",
            },
            {
                "event_id": "reg",
                "customer_id": "c1",
                "type": "portal_registered",
                "occurred_at": "2026-03-01T10:00:00Z",
            },
        ],
    )
    [grant] = report.grants
    return grant


def no_waiting(_seconds: float) -> None:
    """The relay's retries in these tests do not wait."""


def test_a_lost_answer_is_retried_under_the_same_key_and_applied_once(
    app: App, charging: FakeChargingClient
) -> None:
    grant = one_grant_due(app)
    charging.script(Fault.LOST, Fault.ERROR_500)
    relay = app.relay()
    relay.sleep = no_waiting
    assert relay.work_once() == 1
    assert charging.attempts == [grant, grant, grant]
    assert [t.idempotency_key for t in charging.list_applied()] == [grant]
    [record] = list_grants(uow=app.uow)
    assert (record.status, record.charging_id) == ("confirmed", "fake-1")
    assert reconcile_ledger(uow=app.uow, charging=charging).ok


def test_a_charging_system_that_stays_away_leaves_the_top_up_for_later(
    app: App, charging: FakeChargingClient, clock: Clock
) -> None:
    one_grant_due(app)
    charging.script(Fault.ERROR_500, Fault.ERROR_500, Fault.ERROR_500)
    relay = app.relay(attempts=3, backoff_cap=timedelta(seconds=30))
    relay.sleep = no_waiting
    assert relay.work_once() == 1
    assert relay.stats.deferred == 1
    assert relay.work_once() == 0  # waiting out its backoff
    with app.uow(read_only=True) as work:
        assert work.outbox.open_count() == 1
    clock.advance(seconds=31)
    assert relay.work_once() == 1
    assert [g.status for g in list_grants(uow=app.uow)] == ["confirmed"]


def test_a_refused_top_up_is_closed_and_shown_as_rejected(
    app: App, charging: FakeChargingClient
) -> None:
    grant = one_grant_due(app)
    charging.script(Fault.REJECT)
    relay = app.relay()
    relay.sleep = no_waiting
    relay.work_once()
    assert relay.work_once() == 0
    [record] = list_grants(uow=app.uow)
    assert record.status == "rejected"
    report = reconcile_ledger(uow=app.uow, charging=charging)
    assert [(d.kind, d.grant_id) for d in report.differences] == [("not_applied", grant)]


def test_the_background_relay_stops_when_asked(app: App, charging: FakeChargingClient) -> None:
    one_grant_due(app)
    stop, thread = app.start_background_relay()
    deadline = datetime.now(UTC) + timedelta(seconds=30)
    while not charging.list_applied() and datetime.now(UTC) < deadline:
        threading.Event().wait(0.02)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(charging.list_applied()) == 1
