"""Builders that turn compact specs into measurement series (hand-made, no randomness).

A day's speeds are written as `"95 80x9"`: one measurement at 95 Mbit/s, then nine at 80.
Times default to a conformant day: five measurements 10 minutes apart from 08:00, a pause
of exactly three hours, five more 10 minutes apart (08:00 … 08:40, 11:40 … 12:20).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from selfcare.domain.speedcheck.models import (
    BERLIN,
    Connection,
    Contract,
    Measurement,
    SpeedTier,
    parse_mbit,
)

# Contract of the cases: download 100/80/50 Mbit/s, upload 40/30/20 Mbit/s, 40.00 EUR.
CONTRACT = Contract(
    download=SpeedTier(100_000, 80_000, 50_000),
    upload=SpeedTier(40_000, 30_000, 20_000),
    price_cents=4000,
)
# Monday, Wednesday, Friday: a free day between each, span 5 calendar days.
DAYS = (date(2025, 5, 12), date(2025, 5, 14), date(2025, 5, 16))
GOOD_DOWN = "95x10"
GOOD_UP = "38x10"
DAY_TIMES = (
    "08:00",
    "08:10",
    "08:20",
    "08:30",
    "08:40",
    "11:40",
    "11:50",
    "12:00",
    "12:10",
    "12:20",
)


def speeds(spec: str) -> list[int]:
    """`"95 80x9"` → [95000, 80000, …] (kbit/s); decimals allowed: `"89.999"`."""
    values: list[int] = []
    for part in spec.split():
        value, _, count = part.partition("x")
        values.extend([parse_mbit(value)] * int(count or 1))
    return values


def clock(text: str) -> time:
    """`"8:04"` or `"08:04:59"` as a time of day."""
    hour, minute, second, *_ = [int(p) for p in text.split(":")] + [0, 0]
    return time(hour, minute, second)


def day_times(count: int, times: Sequence[str] | None = None) -> list[time]:
    """`count` start times for a day: the given ones, else the conformant default, extended
    10 minutes apart when a day has more than ten measurements."""
    base = [clock(t) for t in (times or DAY_TIMES)]
    while len(base) < count:
        last = datetime.combine(date(2000, 1, 1), base[-1]) + timedelta(minutes=10)
        base.append(last.time())
    return base[:count]


def series(
    down: Sequence[str] | str = GOOD_DOWN,
    up: Sequence[str] | str = GOOD_UP,
    *,
    days: Sequence[date] = DAYS,
    times: Sequence[Sequence[str] | None] | None = None,
    connection: Connection = Connection.LAN,
    wlan_at: Sequence[tuple[int, int]] = (),
) -> list[Measurement]:
    """A series: per day a download spec and an upload spec (one spec means every day).

    `wlan_at` lists (day index, measurement index) pairs measured over WLAN instead.
    """
    downs = [down] * len(days) if isinstance(down, str) else list(down)
    ups = [up] * len(days) if isinstance(up, str) else list(up)
    result = []
    for d, day in enumerate(days):
        down_values, up_values = speeds(downs[d]), speeds(ups[d])
        if len(up_values) < len(down_values):
            up_values += [up_values[-1]] * (len(down_values) - len(up_values))
        day_clock = day_times(len(down_values), times[d] if times else None)
        for i, (dn, upv) in enumerate(zip(down_values, up_values, strict=False)):
            link = Connection.WLAN if (d, i) in wlan_at else connection
            moment = datetime.combine(day, day_clock[i], tzinfo=BERLIN)
            result.append(Measurement(moment, dn, upv, 10, link, f"case:{d}:{i}"))
    return result


def shifted(times: Sequence[str], index: int, new: str) -> list[str]:
    """The default day with measurement `index` started at `new` instead."""
    changed = list(times)
    changed[index] = new
    return changed
