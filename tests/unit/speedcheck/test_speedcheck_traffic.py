"""The server's own count of a speed test: warm-up dropped, speeds hand-computed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selfcare.speedcheck.traffic import Direction, NoTraffic, TestTraffic, UnknownTest

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_bytes_after_the_warm_up_over_the_time_since_it_ended_give_the_speed() -> None:
    clock = Clock()
    traffic = TestTraffic(clock=clock)
    test, warm_down, warm_up = traffic.start("c1", duration_s=10)
    assert (warm_down, warm_up) == (timedelta(seconds=1.5), timedelta(seconds=3))
    down = traffic.tally(test, "c1", Direction.DOWN)
    down.add(9_000_000)  # during the warm-up: not counted
    clock.now = T0 + timedelta(seconds=2.5)
    down.add(5_000_000)
    clock.now = T0 + timedelta(seconds=3.5)
    down.add(5_000_000)  # 10 MB = 80,000,000 bits in the 2 s after the warm-up
    clock.now = T0 + timedelta(seconds=4)
    up = traffic.tally(test, "c1", Direction.UP)
    clock.now = T0 + timedelta(seconds=11)
    up.add(2_500_000)  # 20,000,000 bits in the 4 s after the warm-up (7 s to 11 s)

    figures = traffic.finish(test, "c1")

    assert (figures.download_kbps, figures.upload_kbps) == (40_000, 5_000)
    assert (figures.download_bytes, figures.upload_bytes) == (19_000_000, 2_500_000)
    assert figures.started_at == T0


def test_a_test_with_traffic_only_inside_the_warm_up_has_no_figures() -> None:
    clock = Clock()
    traffic = TestTraffic(clock=clock)
    test, _, _ = traffic.start("c1", duration_s=10)
    traffic.tally(test, "c1", Direction.DOWN).add(50_000_000)
    traffic.tally(test, "c1", Direction.UP).add(50_000_000)
    with pytest.raises(NoTraffic, match="download"):
        traffic.finish(test, "c1")


def test_tests_expire_and_a_customer_holds_only_a_few_open() -> None:
    clock = Clock()
    traffic = TestTraffic(clock=clock, ttl=timedelta(minutes=10), per_customer=2)
    first, _, _ = traffic.start("c1", duration_s=2)
    second, _, _ = traffic.start("c1", duration_s=2)
    third, _, _ = traffic.start("c1", duration_s=2)
    with pytest.raises(UnknownTest):
        traffic.tally(first, "c1", Direction.DOWN)
    traffic.tally(second, "c1", Direction.DOWN)
    clock.now += timedelta(minutes=11)
    with pytest.raises(UnknownTest, match="expired"):
        traffic.tally(third, "c1", Direction.DOWN)
