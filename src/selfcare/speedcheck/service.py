"""The speed check's use cases for the browser test and the customer's overview.

Routes only parse and render; what a measurement does (joins a series, completes it,
shows a deviation on a conformant series and hands the deviation event to ingest for the
hotline pass — a browser series is indicative, never proof towards the provider) is
decided here, once, and wired by the composition root (`bootstrap.build`). Reading never
writes: the overview and the status only judge; a deviation event is offered when a
measurement is recorded (and again by any later measurement, should an earlier offer have
failed) or when the operator sets the contract figures.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from selfcare.domain.events import Event
from selfcare.domain.speedcheck.models import Connection, Contract, Measurement
from selfcare.domain.speedcheck.schedule import Schedule, SeriesState, plan
from selfcare.domain.speedcheck.verdict import Verdict, judge
from selfcare.speedcheck.evidence import deviation_event
from selfcare.speedcheck.series import MeasurementStore, Recorded, current_series, record


class Deviations(Protocol):
    """Where a conformant series' deviation goes (hotline pass): ingest, or a test's list."""

    def offer(self, event: Event) -> None: ...

    def stored(self, event_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Reading:
    """What the browser reports after a test (kbit/s of TCP payload, factor 1)."""

    download_kbps: int
    upload_kbps: int
    ping_ms: int | None
    connection: Connection
    elapsed_ms: int = 0


@dataclass(frozen=True, slots=True)
class Overview:
    """What the customer's overview shows: every measurement, the current series, the
    contract figures (if set), the verdict on the series and the next allowed moment."""

    measurements: list[Measurement]
    series: list[Measurement]
    contract: Contract | None
    verdict: Verdict | None
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class Result:
    """A recorded measurement and the verdict on the series it belongs to now."""

    recorded: Recorded
    verdict: Verdict | None


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SpeedCheck:
    """The customer's browser measurements, judged against the contract figures."""

    store: MeasurementStore
    contracts: Callable[[str], Contract | None] = lambda _: None
    deviations: Deviations | None = None
    clock: Callable[[], datetime] = _utc_now

    def overview(self, customer_id: str) -> Overview:
        """The customer's measurements and where their series stands (reads only)."""
        measurements = self.store.list(customer_id)
        series = current_series(measurements)
        contract = self.contracts(customer_id)
        verdict = judge(series, contract) if contract is not None and series else None
        schedule = plan(series, self.clock())
        return Overview(measurements, series, contract, verdict, schedule)

    def judged(self, customer_id: str) -> tuple[list[Measurement], Verdict | None]:
        """The current series and its verdict (None: no series or no contract figures)."""
        seen = self.overview(customer_id)
        return seen.series, seen.verdict

    def has_contract(self, customer_id: str) -> bool:
        return self.contracts(customer_id) is not None

    def record(self, customer_id: str, reading: Reading, *, new_series: bool = False) -> Result:
        """Store a measurement (the server's clock, less the test's duration, dates it),
        and hand a deviation the completed series proves to ingest."""
        now = self.clock()
        measurement = Measurement(
            now - timedelta(milliseconds=reading.elapsed_ms),
            reading.download_kbps,
            reading.upload_kbps,
            reading.ping_ms,
            reading.connection,
            source="browser",
            test_id=uuid.uuid4().hex,
        )
        recorded = record(self.store, customer_id, measurement, new_series=new_series)
        contract = self.contracts(customer_id)
        series = recorded.series
        verdict = judge(series, contract) if contract is not None and series else None
        if verdict is not None and recorded.schedule.state is SeriesState.COMPLETE:
            event = deviation_event(customer_id, series, verdict, recorded_at=now)
            self._offer(event, just_completed=recorded.counted)
        return Result(recorded, verdict)

    def _offer(self, event: Event | None, *, just_completed: bool) -> None:
        """Offer the deviation event on completion, and later only if it is not stored."""
        if event is None or self.deviations is None:
            return
        if just_completed or not self.deviations.stored(event.event_id):
            self.deviations.offer(event)
