"""What the services tell the metrics and the logs, on the fake unit of work: rows by
outcome, projection time, relay attempts, and the gauges a scrape reads."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from selfcare.domain.program import Budget
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.outbox import Relay, RelaySettings
from selfcare.grants.readings import read_operations
from selfcare.ingest.rows import RowProblem
from selfcare.ingest.service import Ingestor, ingest_batch, quarantine
from selfcare.telemetry.metrics import Metrics
from tests.builders import make_program
from tests.unit.services.wiring import Wired, enrolled_and_registered


def counted(metrics: Metrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels or None)
    return 0.0 if value is None else value


def ingestor(wired: Wired, metrics: Metrics) -> Ingestor:
    return Ingestor(uow=wired.storage, program=wired.program, clock=wired.clock, metrics=metrics)


def rows(metrics: Metrics) -> dict[str, float]:
    return {
        outcome: counted(metrics, "selfcare_ingest_rows_total", outcome=outcome)
        for outcome in ("stored", "duplicate", "conflict", "quarantined")
    }


def test_ingest_counts_each_row_once_by_outcome() -> None:
    wired, metrics = Wired(), Metrics()
    events: list[Any] = enrolled_and_registered("c1")
    ingest_batch(ingestor(wired, metrics), events)
    changed = dict(events[0], type="app_first_login")
    bad = {"event_id": "x", "customer_id": "c2", "type": "nonsense", "occurred_at": "soon"}
    ingest_batch(ingestor(wired, metrics), [events[1], changed, bad])
    assert rows(metrics) == {"stored": 2, "duplicate": 1, "conflict": 1, "quarantined": 1}


def test_rows_refused_before_ingest_count_as_quarantined() -> None:
    wired, metrics = Wired(), Metrics()
    quarantine(ingestor(wired, metrics), [RowProblem("api", 1, "body", "not JSON", "{")])
    assert rows(metrics)["quarantined"] == 1


def test_each_write_with_new_events_observes_one_projection_time() -> None:
    wired, metrics = Wired(), Metrics()
    ingest_batch(ingestor(wired, metrics), enrolled_and_registered("c1"))
    ingest_batch(ingestor(wired, metrics), enrolled_and_registered("c2"))
    assert counted(metrics, "selfcare_projection_seconds_count") == 2
    assert counted(metrics, "selfcare_projection_seconds_sum") > 0


def relay(wired: Wired, charging: FakeChargingClient, metrics: Metrics) -> Relay:
    return Relay(
        uow=wired.storage,
        charging=charging,
        clock=wired.clock,
        settings=RelaySettings(attempts=3),
        sleep=lambda _s: None,
        metrics=metrics,
    )


def test_every_try_at_the_charging_system_is_counted_and_logged_with_its_outcome(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wired, metrics = Wired(), Metrics()
    [grant] = ingest_batch(ingestor(wired, metrics), enrolled_and_registered("c1")).grants
    charging = FakeChargingClient([Fault.ERROR_500, Fault.LOST, None])
    with caplog.at_level(logging.INFO, logger="selfcare.grants.outbox"):
        relay(wired, charging, metrics).work_once()
    attempts = [r for r in caplog.records if r.getMessage() == "topup attempt"]
    seen = [(r.fields["attempt"], r.fields["outcome"]) for r in attempts]  # type: ignore[attr-defined]
    assert seen == [(1, "unavailable"), (2, "unavailable"), (3, "confirmed")]
    assert {r.fields["grant_id"] for r in attempts} == {grant}  # type: ignore[attr-defined]
    # the lost answer's top-up was applied: the third try is answered as a replay (200)
    assert attempts[-1].fields["status_code"] == 200  # type: ignore[attr-defined]
    assert counted(metrics, "selfcare_relay_attempts_total", outcome="unavailable") == 2
    assert counted(metrics, "selfcare_relay_attempts_total", outcome="confirmed") == 1


def test_a_rejected_top_up_is_one_rejected_attempt_with_its_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wired, metrics = Wired(), Metrics()
    ingest_batch(ingestor(wired, metrics), enrolled_and_registered("c1"))
    with caplog.at_level(logging.INFO, logger="selfcare.grants.outbox"):
        relay(wired, FakeChargingClient([Fault.REJECT]), metrics).work_once()
    [attempt] = [r for r in caplog.records if r.getMessage() == "topup attempt"]
    assert (attempt.fields["outcome"], attempt.fields["status_code"]) == ("rejected", 422)  # type: ignore[attr-defined]
    assert attempt.levelno == logging.WARNING
    assert counted(metrics, "selfcare_relay_attempts_total", outcome="rejected") == 1


def test_the_scrape_reads_outbox_depth_oldest_age_and_budget_left() -> None:
    wired = Wired(program=make_program(budget=Budget(total_mb=5000, monthly_mb=1500)))
    metrics = Metrics()
    ingest_batch(ingestor(wired, metrics), enrolled_and_registered("c1"))
    wired.clock.advance(minutes=5)
    ingest_batch(ingestor(wired, metrics), enrolled_and_registered("c2"))
    wired.clock.advance(seconds=30)
    readings = read_operations(uow=wired.storage, program=wired.program, clock=wired.clock)
    assert readings.outbox_open == 2
    assert readings.oldest_open_age_s == 330.0  # c1's top-up, queued 5 min 30 s ago
    # two portal bonuses of 600 MB, both in March 2026
    assert readings.budget_left_mb == {"total": 5000 - 1200, "month": 1500 - 1200}


def test_an_empty_outbox_has_no_oldest_top_up_and_an_unlimited_budget_no_scope() -> None:
    wired = Wired()
    readings = read_operations(uow=wired.storage, program=wired.program, clock=wired.clock)
    assert (readings.outbox_open, readings.oldest_open_age_s) == (0, None)
    assert readings.budget_left_mb == {}
