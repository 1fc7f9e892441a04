"""Measurements and contract figures survive the database as they went in (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from selfcare.bootstrap import App
from selfcare.domain.speedcheck.models import Connection, Contract, Measurement, SpeedTier
from selfcare.speedcheck.series import record, status
from selfcare.speedcheck.storage import UnitOfWorkMeasurementStore, contract_for, set_contract

pytestmark = pytest.mark.integration

PLUS_TWO = timezone(timedelta(hours=2))


def measurement(
    moment: datetime,
    down: int = 40_000,
    *,
    test_id: str | None = None,
    series_id: str | None = None,
) -> Measurement:
    return Measurement(
        moment, down, 38_000, 12, Connection.LAN, "browser", test_id=test_id, series_id=series_id
    )


def test_measurements_come_back_in_utc_oldest_first_and_only_the_customers_own(
    app: App,
) -> None:
    store = UnitOfWorkMeasurementStore(app.uow)
    later = measurement(datetime(2026, 3, 2, 14, 30, 15, 123456, tzinfo=PLUS_TWO), test_id="b")
    earlier = measurement(datetime(2026, 3, 2, 12, 10, tzinfo=UTC), 39_999, series_id="s1")
    store.add("c1", later)
    store.add("c1", earlier)
    store.add("c2", measurement(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)))
    first, second = store.list("c1")
    assert first == earlier
    assert second == later
    assert second.measured_at == datetime(2026, 3, 2, 12, 30, 15, 123456, tzinfo=UTC)
    assert second.measured_at.tzinfo is UTC
    assert store.list("nobody") == []


def test_a_series_builds_up_in_the_database_as_it_does_in_memory(app: App) -> None:
    store = UnitOfWorkMeasurementStore(app.uow)
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    first = record(store, "c1", measurement(start))
    too_early = record(store, "c1", measurement(start + timedelta(minutes=4)))
    second = record(store, "c1", measurement(start + timedelta(minutes=5)))
    assert (first.counted, first.number) == (True, 1)
    assert (too_early.counted, too_early.number) == (False, None)
    assert (second.counted, second.number) == (True, 2)
    assert second.measurement.series_id == first.measurement.series_id
    assert status(store, "c1", start + timedelta(minutes=6)).count == 2
    assert len(store.list("c1")) == 3


def test_contract_figures_are_replaced_not_added(app: App) -> None:
    first = Contract(SpeedTier(100_000, 80_000, 50_000), SpeedTier(40_000, 30_000, 20_000), 4000)
    second = Contract(SpeedTier(250_000, 200_000, 150_000), SpeedTier(40_000, 30_000, 20_000))
    assert contract_for(app.uow, "c1") is None
    set_contract(app.uow, "c1", first, now=datetime(2026, 3, 1, tzinfo=UTC))
    set_contract(app.uow, "c1", second, now=datetime(2026, 3, 2, tzinfo=UTC))
    assert contract_for(app.uow, "c1") == second
    assert contract_for(app.uow, "c2") is None
