"""A customer's browser measurements and the series they build, behind a small store protocol.

Every measurement is stored. A measurement by LAN cable joins the customer's current series
when the schedule allows it (or starts a new series when there is none, or the last one can
no longer be completed); anything else (WLAN, too early, series complete) is kept for the
diagnosis but does not count. The service's database implements `MeasurementStore`; the
in-memory one serves tests and demos.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from selfcare.domain.speedcheck.models import Connection, Measurement, Text
from selfcare.domain.speedcheck.protocol import FIXED_LINE
from selfcare.domain.speedcheck.schedule import Schedule, SeriesState, plan, start_schedule


class MeasurementStore(Protocol):
    """Where a customer's measurements live (the service's database implements this)."""

    def add(self, customer_id: str, measurement: Measurement) -> None: ...

    def list(self, customer_id: str) -> list[Measurement]: ...


class InMemoryMeasurementStore:
    """Measurements in a dict, safe for the threads of a local server."""

    def __init__(self) -> None:
        self._items: dict[str, list[Measurement]] = {}
        self._lock = threading.Lock()

    def add(self, customer_id: str, measurement: Measurement) -> None:
        with self._lock:
            self._items.setdefault(customer_id, []).append(measurement)

    def list(self, customer_id: str) -> list[Measurement]:
        with self._lock:
            return sorted(self._items.get(customer_id, []), key=lambda m: m.measured_at)


def current_series(measurements: Sequence[Measurement]) -> list[Measurement]:
    """The measurements of the customer's latest series (by the latest series id used)."""
    ids = [m.series_id for m in sorted(measurements, key=lambda m: m.measured_at) if m.series_id]
    if not ids:
        return []
    return [m for m in measurements if m.series_id == ids[-1]]


@dataclass(frozen=True)
class Recorded:
    """What happened to a submitted measurement, and what the series looks like now."""

    measurement: Measurement
    counted: bool
    number: int | None
    series: list[Measurement]
    schedule: Schedule
    text: Text


def record(
    store: MeasurementStore,
    customer_id: str,
    measurement: Measurement,
    *,
    new_series: bool = False,
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> Recorded:
    """Store a measurement, joining it to the series where the protocol allows."""
    before = current_series(store.list(customer_id))
    schedule = plan(before, measurement.measured_at)
    series_id, reason = _series_for(measurement, before, schedule, new_series, new_id)
    stored = replace(measurement, series_id=series_id)
    store.add(customer_id, stored)
    series = current_series(store.list(customer_id))
    after = plan(series, measurement.measured_at)
    number = len(series) if series_id else None
    text = _counted_text(number) if series_id else reason
    return Recorded(stored, series_id is not None, number, series, after, text)


def _series_for(
    measurement: Measurement,
    before: list[Measurement],
    schedule: Schedule,
    new_series: bool,
    new_id: Callable[[], str],
) -> tuple[str | None, Text]:
    if measurement.connection is not Connection.LAN:
        return None, WLAN_TEXT
    starts = new_series or schedule.state in {SeriesState.EMPTY, SeriesState.BROKEN}
    if starts:
        fresh = start_schedule(measurement.measured_at, FIXED_LINE)
        if not fresh.allows(measurement.measured_at):
            return None, _not_now_text(fresh)
        return new_id(), Text(de="", en="")
    if schedule.allows(measurement.measured_at):
        return before[-1].series_id, Text(de="", en="")
    return None, _not_now_text(schedule)


WLAN_TEXT = Text(
    de="Gespeichert für die Diagnose. Für die Messreihe zählen nur Messungen per LAN-Kabel.",
    en="Stored for the diagnosis. Only measurements by LAN cable count for the series.",
)


def _counted_text(number: int | None) -> Text:
    return Text(
        de=f"Gespeichert als Messung {number} von {FIXED_LINE.measurements} der Messreihe.",
        en=f"Stored as measurement {number} of {FIXED_LINE.measurements} of the series.",
    )


def _not_now_text(schedule: Schedule) -> Text:
    return Text(
        de=f"Gespeichert, zählt aber nicht für die Messreihe. {schedule.text.de}",
        en=f"Stored, but it does not count for the series. {schedule.text.en}",
    )


def status(store: MeasurementStore, customer_id: str, now: datetime) -> Schedule:
    """Where the customer's current series stands right now."""
    return plan(current_series(store.list(customer_id)), now)
