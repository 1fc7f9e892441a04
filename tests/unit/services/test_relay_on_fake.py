"""The outbox relay on the fake unit of work, against the scripted in-memory charging
system: what it does with each answer, and that a top-up is applied once."""

from __future__ import annotations

from datetime import timedelta

from selfcare.domain.ledger import GrantStatus
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.ledger import list_grants, reconcile_ledger
from selfcare.grants.outbox import Relay, RelaySettings
from selfcare.ingest.service import ingest_batch
from tests.unit.services.wiring import Wired, enrolled_and_registered


def no_waiting(_seconds: float) -> None:
    """The relay's retries in these tests do not wait."""


def relay_for(
    wired: Wired, charging: FakeChargingClient, settings: RelaySettings | None = None
) -> Relay:
    return Relay(
        uow=wired.storage,
        charging=charging,
        clock=wired.clock,
        settings=settings or RelaySettings(),
        sleep=no_waiting,
    )


def one_grant_due(wired: Wired) -> str:
    [grant] = ingest_batch(wired.ingestor, enrolled_and_registered("c1")).grants
    return grant


def test_a_lost_answer_is_retried_under_the_same_key_and_applied_once() -> None:
    wired, charging = Wired(), FakeChargingClient([Fault.LOST, Fault.ERROR_500])
    grant = one_grant_due(wired)
    assert relay_for(wired, charging).work_once() == 1
    assert charging.attempts == [grant, grant, grant]
    assert [t.idempotency_key for t in charging.list_applied()] == [grant]
    [record] = list_grants(uow=wired.storage)
    assert (record.status, record.charging_id) == (GrantStatus.CONFIRMED, "fake-1")
    assert reconcile_ledger(uow=wired.storage, charging=charging).ok


def test_a_charging_system_that_stays_away_leaves_the_top_up_for_later() -> None:
    wired = Wired()
    charging = FakeChargingClient([Fault.ERROR_500] * 3)
    one_grant_due(wired)
    relay = relay_for(wired, charging, RelaySettings(attempts=3, backoff_cap=timedelta(seconds=30)))
    assert relay.work_once() == 1
    assert relay.stats.deferred == 1
    assert relay.work_once() == 0  # waiting out its backoff
    assert relay.open_count() == 1
    wired.clock.advance(seconds=31)
    assert relay.work_once() == 1
    assert [g.status for g in list_grants(uow=wired.storage)] == [GrantStatus.CONFIRMED]
    assert relay.open_count() == 0


def test_a_refused_top_up_is_closed_and_shown_as_rejected() -> None:
    wired, charging = Wired(), FakeChargingClient([Fault.REJECT])
    grant = one_grant_due(wired)
    relay = relay_for(wired, charging)
    relay.work_once()
    assert relay.work_once() == 0
    [record] = list_grants(uow=wired.storage)
    assert record.status == GrantStatus.REJECTED
    report = reconcile_ledger(uow=wired.storage, charging=charging)
    assert [(d.kind, d.grant_id) for d in report.differences] == [("not_applied", grant)]


def test_a_held_grant_is_not_sent_until_the_budget_releases_it() -> None:
    wired, charging = Wired(), FakeChargingClient()
    wired.program = wired.program.model_copy(
        update={"budget": wired.program.budget.model_copy(update={"total_mb": 100})}
    )
    one_grant_due(wired)
    assert relay_for(wired, charging).work_once() == 0
    assert charging.attempts == []
