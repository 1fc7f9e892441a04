"""Calendar arithmetic in the program's time zone: months, day clamping, DST-safe days."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
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
