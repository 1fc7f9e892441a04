"""The speed check's use cases for the browser test and the customer's overview.

Routes only parse and render; what a measurement does (joins a series, completes it,
shows a deviation on a conformant series and hands the deviation event to ingest for the
hotline pass — a browser series is indicative, never proof towards the provider) is
decided here, once, and wired by the composition root (`bootstrap.build`). Reading never
writes: the overview and the status only judge; a deviation event is offered when a
measurement is recorded (and again by any later measurement, should an earlier offer have
failed) or when the operator sets the contract figures.

A measurement is what the server saw (traffic.py): the speeds stored are the server's
count of the bytes it served and received for a test it issued, timed by its clock; the
browser's figures travel beside them in the answer, never instead of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from selfcare.domain.events import Event
from selfcare.domain.speedcheck.models import Connection, Contract, Measurement
from selfcare.domain.speedcheck.schedule import Schedule, SeriesState, plan
from selfcare.domain.speedcheck.verdict import Verdict, judge
from selfcare.speedcheck.evidence import deviation_event
from selfcare.speedcheck.series import MeasurementStore, Recorded, current_series, record
from selfcare.speedcheck.traffic import Direction, ServerFigures, Tally, TestTraffic


class Deviations(Protocol):
    """Where a conformant series' deviation goes (hotline pass): ingest, or a test's list."""

    def offer(self, event: Event) -> None: ...

    def stored(self, event_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Reading:
    """What the browser reports after a test: its own speeds (kbit/s of TCP payload,
    factor 1; shown beside the server's, never stored as the measurement), its ping, and
    how the computer was connected."""

    download_kbps: int
    upload_kbps: int
    ping_ms: int | None
    connection: Connection


@dataclass(frozen=True, slots=True)
class StartedTest:
    """A test the server issued: its id and the warm-up it drops per direction."""

    test_id: str
    warmup_down: timedelta
    warmup_up: timedelta


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
    """A recorded measurement, the verdict on the series it belongs to now, and what the
    server and the browser each measured."""

    recorded: Recorded
    verdict: Verdict | None
    server: ServerFigures
    client: Reading


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SpeedCheck:
    """The customer's browser measurements, judged against the contract figures."""

    store: MeasurementStore
    contracts: Callable[[str], Contract | None] = lambda _: None
    deviations: Deviations | None = None
    clock: Callable[[], datetime] = _utc_now
    _traffic: TestTraffic = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_traffic", TestTraffic(clock=self.clock))

    def start_test(self, customer_id: str, *, duration_s: int) -> StartedTest:
        """Issue a test id bound to this customer; its transfers are counted under it."""
        test_id, down, up = self._traffic.start(customer_id, duration_s=duration_s)
        return StartedTest(test_id, down, up)

    def tally(self, test_id: str, customer_id: str, direction: Direction) -> Tally:
        """The counter for one transfer of the customer's open test (UnknownTest else)."""
        return self._traffic.tally(test_id, customer_id, direction)

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

    def record(
        self, customer_id: str, test_id: str, reading: Reading, *, new_series: bool = False
    ) -> Result:
        """Store what the server measured for the customer's test (dated by the server's
        clock when its download began), and hand a deviation the completed series proves
        to ingest. UnknownTest or NoTraffic when the server saw no such test."""
        server = self._traffic.finish(test_id, customer_id)
        now = self.clock()
        measurement = Measurement(
            server.started_at,
            server.download_kbps,
            server.upload_kbps,
            reading.ping_ms,
            reading.connection,
            source="browser",
            test_id=server.test_id,
        )
        recorded = record(self.store, customer_id, measurement, new_series=new_series)
        contract = self.contracts(customer_id)
        series = recorded.series
        verdict = judge(series, contract) if contract is not None and series else None
        if verdict is not None and recorded.schedule.state is SeriesState.COMPLETE:
            event = deviation_event(customer_id, series, verdict, recorded_at=now)
            self._offer(event, just_completed=recorded.counted)
        return Result(recorded, verdict, server, reading)

    def _offer(self, event: Event | None, *, just_completed: bool) -> None:
        """Offer the deviation event on completion, and later only if it is not stored."""
        if event is None or self.deviations is None:
            return
        if just_completed or not self.deviations.stored(event.event_id):
            self.deviations.offer(event)
