"""The page says when the next measurement is allowed; following it yields a valid protocol."""

from __future__ import annotations

from datetime import datetime, timedelta

from selfcare.domain.speedcheck.models import BERLIN, Connection, Measurement
from selfcare.domain.speedcheck.protocol import check_protocol
from selfcare.domain.speedcheck.schedule import SeriesState, plan
from selfcare.speedcheck.series import InMemoryMeasurementStore, current_series, record


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=BERLIN)


def lan(moment: datetime, kbps: int = 95_000) -> Measurement:
    return Measurement(moment, kbps, 38_000, 10, Connection.LAN)


def day_of(day: int, first_hour: int = 8, count: int = 10) -> list[Measurement]:
    """A conformant day: five 10 minutes apart, three hours after the fifth five more."""
    start = at(day, first_hour)
    moments = [start + timedelta(minutes=10 * i) for i in range(5)]
    moments += [moments[-1] + timedelta(hours=3, minutes=10 * i) for i in range(5)]
    return [lan(m) for m in moments[:count]]


def test_an_empty_series_may_start_at_once() -> None:
    schedule = plan([], at(12, 9))
    assert schedule.state is SeriesState.EMPTY
    assert schedule.allows(at(12, 9))


def test_too_late_in_the_evening_a_new_series_starts_tomorrow() -> None:
    schedule = plan([], at(12, 20, 21))
    assert schedule.allowed_from == at(13, 0)
    assert not schedule.allows(at(12, 20, 21))
    assert "by 20:20 at the latest" in schedule.text.en


def test_the_next_measurement_of_a_day_waits_five_minutes() -> None:
    schedule = plan([lan(at(12, 8))], at(12, 8, 1))
    assert schedule.state is SeriesState.RUNNING
    assert schedule.allowed_from == at(12, 8, 5)
    assert schedule.allowed_until == at(13, 0)
    assert not schedule.allows(at(12, 8, 5) - timedelta(seconds=1))
    assert schedule.allows(at(12, 8, 5))
    assert schedule.text.en == (
        "Next measurement (2 of 10 today, no. 2 of 30) from 2025-05-12 08:05, before midnight."
    )


def test_the_sixth_measurement_waits_three_hours_after_the_fifth() -> None:
    schedule = plan(day_of(12, count=5), at(12, 8, 45))
    assert schedule.allowed_from == at(12, 11, 40)
    assert "ab 12.05.2025 11:40 Uhr" in schedule.text.de


def test_a_fifth_measurement_after_nine_in_the_evening_cannot_get_its_pause_that_day() -> None:
    # Fifth at 21:40: the sixth could come at 00:40 at the earliest, the next calendar day.
    schedule = plan(day_of(12, first_hour=21, count=5), at(12, 21, 45))
    assert schedule.state is SeriesState.BROKEN
    assert "only 5 of 10 measurements" in schedule.text.en


def test_a_day_that_ended_with_seven_measurements_breaks_the_series() -> None:
    schedule = plan(day_of(12, count=7), at(13, 0, 1))
    assert schedule.state is SeriesState.BROKEN


def test_after_a_full_day_a_free_day_follows_and_the_span_limits_the_next() -> None:
    # First day 12 May; two more days with a free day between must end by 25 May (14 days):
    # the second day is 14 May at the earliest and 23 May at the latest.
    schedule = plan(day_of(12), at(12, 13))
    assert schedule.allowed_from == at(14, 0)
    assert schedule.allowed_until == at(24, 0)
    assert not schedule.allows(at(13, 12))
    assert schedule.text.en == (
        "Measuring day 1 of 3 is complete. Next measuring day from 2025-05-14 until 2025-05-23 "
        "at the latest, starting by 20:20."
    )
    # Ten measurements: 9 gaps of 5 minutes, one of them 3 hours: 3 h 40 min before midnight.
    assert schedule.allows(at(14, 20, 20))
    assert not schedule.allows(at(14, 20, 21))


def test_the_third_day_may_be_the_fourteenth_calendar_day() -> None:
    schedule = plan(day_of(12) + day_of(14), at(14, 13))
    assert schedule.allowed_from == at(16, 0)
    assert schedule.allowed_until == at(26, 0)


def test_missing_the_last_possible_day_breaks_the_series() -> None:
    schedule = plan(day_of(12) + day_of(14), at(26, 0))
    assert schedule.state is SeriesState.BROKEN
    assert "14 calendar days" in schedule.text.en


def test_thirty_measurements_complete_the_series() -> None:
    schedule = plan(day_of(12) + day_of(14) + day_of(16), at(16, 13))
    assert schedule.state is SeriesState.COMPLETE
    assert not schedule.allows(at(17, 9))


def test_measuring_whenever_the_page_allows_yields_a_valid_protocol() -> None:
    series: list[Measurement] = []
    moment = at(29, 23, 0, month=3)  # too late to start: day 1 becomes the DST day 30 March
    while True:
        schedule = plan(series, moment)
        if schedule.state is SeriesState.COMPLETE:
            break
        assert schedule.state is not SeriesState.BROKEN, schedule.text.en
        if schedule.allowed_from is not None and schedule.allowed_from > moment:
            moment = schedule.allowed_from
        series.append(lan(moment))
    check = check_protocol(series)
    assert check.valid, check.codes
    assert len(check.days) == 3


def test_wlan_measurements_are_stored_but_do_not_join_the_series() -> None:
    store = InMemoryMeasurementStore()
    wlan = Measurement(at(12, 8), 20_000, 5_000, 30, Connection.WLAN)
    outcome = record(store, "c1", wlan)
    assert not outcome.counted
    assert outcome.measurement.series_id is None
    assert store.list("c1") == [outcome.measurement]
    assert outcome.text.en.startswith("Stored for the diagnosis.")


def test_lan_measurements_join_the_series_only_when_the_schedule_allows() -> None:
    store = InMemoryMeasurementStore()
    ids = iter(["s1", "s2"])
    first = record(store, "c1", lan(at(12, 8)), new_id=lambda: next(ids))
    early = record(store, "c1", lan(at(12, 8, 4)), new_id=lambda: next(ids))
    second = record(store, "c1", lan(at(12, 8, 9)), new_id=lambda: next(ids))
    assert (first.counted, first.number, first.measurement.series_id) == (True, 1, "s1")
    assert (early.counted, early.number) == (False, None)
    assert early.text.en.startswith(
        "Stored, but it does not count for the series. Next measurement"
    )
    assert (second.counted, second.number) == (True, 2)
    assert len(store.list("c1")) == 3
    assert [m.measured_at for m in current_series(store.list("c1"))] == [at(12, 8), at(12, 8, 9)]


def test_a_broken_series_is_replaced_by_a_new_one_on_the_next_cable_measurement() -> None:
    store = InMemoryMeasurementStore()
    ids = iter(["old", "new"])
    record(store, "c1", lan(at(12, 8)), new_id=lambda: next(ids))
    later = record(store, "c1", lan(at(14, 8)), new_id=lambda: next(ids))
    assert (later.counted, later.number, later.measurement.series_id) == (True, 1, "new")


def test_a_cable_measurement_too_late_to_open_a_day_does_not_start_a_series() -> None:
    store = InMemoryMeasurementStore()
    late = record(store, "c1", lan(at(12, 22)))
    assert (late.counted, late.measurement.series_id) == (False, None)
    assert "by 20:20 at the latest" in late.text.en


def test_asking_for_a_new_series_starts_one_even_if_the_old_could_go_on() -> None:
    store = InMemoryMeasurementStore()
    ids = iter(["a", "b"])
    record(store, "c1", lan(at(12, 8)), new_id=lambda: next(ids))
    fresh = record(store, "c1", lan(at(12, 8, 10)), new_series=True, new_id=lambda: next(ids))
    assert (fresh.number, fresh.measurement.series_id) == (1, "b")
