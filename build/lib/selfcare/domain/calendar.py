"""Calendar arithmetic in the program's time zone: months, day clamping, DST-safe days."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's end.

    31 May + 9 months is the last day of February (28th or 29th).
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day a moment falls on in the program's time zone."""
    return moment.astimezone(zone).date()


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of `day` as an aware datetime; correct on DST change days."""
    return datetime.combine(day, time.min, tzinfo=zone)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first moment after `day` (exclusive bound for 'up to and including day')."""
    return start_of_day(day + timedelta(days=1), zone)


def same_clock_time_later(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The moment's local clock time `days` calendar days later, as an instant in UTC.

    Calendar days, not blocks of 24 hours: a DST change in between moves the result by no
    hour. A clock time that day skips (March) lies as long after the change as it would
    have without it (02:30 is 03:30 summer time); one it repeats (October) is its first
    reading (RFC 5545 and `zoneinfo` read it so; fold=0).
    """
    local = moment.astimezone(zone)
    later = datetime.combine(
        local.date() + timedelta(days=days), local.time().replace(fold=0), tzinfo=zone
    )
    return later.astimezone(UTC)


def local_clock(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the program's local date and clock time, e.g. `2023-11-03 00:30`."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def month_key(day: date) -> str:
    """A calendar month as `YYYY-MM`, the period label of monthly rewards and caps."""
    return f"{day.year:04d}-{day.month:02d}"


def period_key(day: date, period: str) -> str:
    """The label of the calendar period (`month`, `year` or `program`) that `day` falls in."""
    if period == "month":
        return month_key(day)
    if period == "year":
        return f"{day.year:04d}"
    return "program"


def next_period_start(day: date, period: str) -> date | None:
    """First day of the period after the one `day` is in; None when the period never ends."""
    if period == "month":
        return add_months(day.replace(day=1), 1)
    if period == "year":
        return date(day.year + 1, 1, 1)
    return None
