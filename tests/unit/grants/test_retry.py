"""Retrying a top-up: only while the charging system is unavailable, never paying twice."""

from __future__ import annotations

import pytest

from selfcare.errors import InvalidInput, SelfcareError
from selfcare.grants.charging import (
    ChargingRejected,
    ChargingUnavailable,
    FakeChargingClient,
    Fault,
    send_with_retry,
)
from tests.unit.grants.builders import topup


class RecordedSleep:
    """Stands in for time.sleep: remembers each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_a_dropped_connection_after_apply_is_retried_and_not_applied_twice() -> None:
    charging = FakeChargingClient([Fault.LOST])
    sleep = RecordedSleep()

    result = send_with_retry(charging, topup("g-1"), attempts=5, sleep=sleep)

    assert charging.attempts == ["g-1", "g-1"]
    assert result.replayed is True
    assert [(a.idempotency_key, a.amount_mb) for a in charging.list_applied()] == [("g-1", 600)]
    assert len(sleep.waits) == 1


def test_without_honouring_the_key_the_same_retry_would_pay_twice() -> None:
    charging = FakeChargingClient([Fault.LOST], honour_idempotency_key=False)

    send_with_retry(charging, topup("g-1"), attempts=5, sleep=RecordedSleep())

    assert [a.idempotency_key for a in charging.list_applied()] == ["g-1", "g-1"]


def test_500s_and_timeouts_are_retried_until_the_top_up_goes_through() -> None:
    charging = FakeChargingClient([Fault.ERROR_500, Fault.TIMEOUT, Fault.ERROR_500, Fault.SLOW])

    result = send_with_retry(charging, topup("g-7"), attempts=5, sleep=RecordedSleep())

    assert charging.attempts == ["g-7"] * 4
    assert result.replayed is False
    assert len(charging.list_applied()) == 1


def test_a_rejection_is_final_and_not_retried() -> None:
    charging = FakeChargingClient([Fault.REJECT])
    sleep = RecordedSleep()

    with pytest.raises(ChargingRejected):
        send_with_retry(charging, topup(), attempts=5, sleep=sleep)

    assert charging.attempts == ["g-1"]
    assert sleep.waits == []
    assert charging.list_applied() == []


def test_after_the_last_attempt_the_unavailable_error_reaches_the_caller() -> None:
    charging = FakeChargingClient([Fault.ERROR_500] * 3)

    with pytest.raises(ChargingUnavailable) as raised:
        send_with_retry(charging, topup(), attempts=3, sleep=RecordedSleep())

    assert isinstance(raised.value, SelfcareError)
    assert charging.attempts == ["g-1"] * 3
    assert charging.list_applied() == []


def test_waits_grow_exponentially_with_jitter_and_stay_under_the_cap() -> None:
    charging = FakeChargingClient([Fault.ERROR_500] * 6)
    sleep = RecordedSleep()

    send_with_retry(charging, topup(), attempts=7, initial_wait=1.0, max_wait=10.0, sleep=sleep)

    # without jitter: 1, 2, 4, 8, 16->10, 32->10; jitter adds up to initial_wait (1 s)
    floors = [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert len(sleep.waits) == 6
    for wait, floor in zip(sleep.waits, floors, strict=True):
        assert floor <= wait <= min(floor + 1.0, 10.0)


def test_a_deadline_of_zero_allows_only_the_first_attempt() -> None:
    charging = FakeChargingClient([Fault.ERROR_500] * 3)

    with pytest.raises(ChargingUnavailable):
        send_with_retry(charging, topup(), attempts=10, deadline=0.0, sleep=RecordedSleep())

    assert charging.attempts == ["g-1"]


def test_fewer_than_one_attempt_is_refused() -> None:
    with pytest.raises(InvalidInput, match="attempts"):
        send_with_retry(FakeChargingClient(), topup(), attempts=0)


def test_the_fake_pays_each_grant_once_and_scripts_faults_per_call() -> None:
    charging = FakeChargingClient()
    charging.script(None, Fault.ERROR_500)

    first = charging.top_up(topup("g-1"))
    with pytest.raises(ChargingUnavailable):
        charging.top_up(topup("g-2"))
    again = charging.top_up(topup("g-1"))
    charging.top_up(topup("g-2"))

    assert (first.id, first.replayed) == ("fake-1", False)
    assert (again.id, again.replayed) == ("fake-1", True)
    assert [a.grant_id for a in charging.list_applied()] == ["g-1", "g-2"]
