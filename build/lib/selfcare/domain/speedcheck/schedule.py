"""When may the next measurement of a series be taken, so the series stays protocol-conformant?

A browser series is built one measurement at a time over days, so the page must say when
the next one is allowed: 5 minutes after the last, 3 hours after the 5th of a day, the ten
of a day before that calendar day ends, then a free calendar day, and all three days within
14 calendar days. A series that can no longer be completed (a day ended with fewer than
ten, or the 14 days ran out) is `broken`: the next measurement starts a new series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from selfcare.domain.calendar import end_of_day, start_of_day
from selfcare.domain.speedcheck.models import BERLIN, Measurement, Text, format_day
from selfcare.domain.speedcheck.protocol import FIXED_LINE, ProtocolRules, by_day


class SeriesState(StrEnum):
    EMPTY = "empty"
    RUNNING = "running"
    COMPLETE = "complete"
    BROKEN = "broken"


@dataclass(frozen=True)
class Schedule:
    """Where a series stands and the window for its next measurement (`until` exclusive).

    `day_deadline` is set when the next measurement opens a measuring day: it must start
    early enough for the day's ten measurements and the 3-hour pause to fit before midnight.
    """

    state: SeriesState
    count: int
    days: int
    allowed_from: datetime | None
    allowed_until: datetime | None
    text: Text
    day_deadline: time | None = None
    zone: ZoneInfo = BERLIN

    def allows(self, moment: datetime) -> bool:
        """Would a measurement at `moment` continue (or start) this series conformantly?"""
        if self.state not in {SeriesState.EMPTY, SeriesState.RUNNING}:
            return False
        if self.allowed_from is not None and moment < self.allowed_from:
            return False
        if self.allowed_until is not None and moment >= self.allowed_until:
            return False
        local = moment.astimezone(self.zone).time()
        return self.day_deadline is None or local <= self.day_deadline


def day_deadline(rules: ProtocolRules) -> time:
    """The latest local start of a measuring day that still fits its measurements and pause."""
    needed = (rules.per_day - 1) * rules.min_spacing
    if rules.pause_after is not None:
        needed += rules.pause - rules.min_spacing
    return (datetime.combine(date.min, time.min) + (timedelta(days=1) - needed)).time()


def plan(
    series: Sequence[Measurement],
    now: datetime,
    rules: ProtocolRules = FIXED_LINE,
    zone: ZoneInfo = BERLIN,
) -> Schedule:
    """The state of a series at `now` and when its next measurement is allowed."""
    days = by_day(series, zone)
    count = len(series)
    if count == 0:
        return start_schedule(now, rules, zone)
    if count >= rules.measurements:
        return Schedule(SeriesState.COMPLETE, count, len(days), None, None, _complete_text(rules))
    last_day = list(days)[-1]
    today = days[last_day]
    if len(today) < rules.per_day:
        return _same_day(
            today, last_day, count=count, day_count=len(days), now=now, rules=rules, zone=zone
        )
    return _next_day(list(days), count, now, rules, zone)


def start_schedule(now: datetime, rules: ProtocolRules, zone: ZoneInfo = BERLIN) -> Schedule:
    """A new series: now, unless it is too late today to fit a measuring day (then tomorrow)."""
    deadline = day_deadline(rules)
    local = now.astimezone(zone)
    start = now
    if local.time() > deadline:
        start = start_of_day(local.date() + timedelta(days=1), zone)
    text = _start_text(rules, deadline)
    return Schedule(SeriesState.EMPTY, 0, 0, start, None, text, deadline, zone)


def _same_day(
    today: list[Measurement],
    day: date,
    *,
    count: int,
    day_count: int,
    now: datetime,
    rules: ProtocolRules,
    zone: ZoneInfo,
) -> Schedule:
    """The day is not full yet: 5 minutes after the last, 3 hours after the 5th, before midnight."""
    earliest = today[-1].measured_at + rules.min_spacing
    if rules.pause_after is not None and len(today) == rules.pause_after:
        earliest = max(earliest, today[-1].measured_at + rules.pause)
    until = end_of_day(day, zone)
    if earliest >= until or now >= until:
        return Schedule(
            SeriesState.BROKEN, count, day_count, None, None, _day_lost(day, len(today), rules)
        )
    text = _same_day_text(len(today) + 1, count + 1, earliest, rules, zone)
    return Schedule(SeriesState.RUNNING, count, day_count, earliest, until, text, None, zone)


def _next_day(
    days: list[date], count: int, now: datetime, rules: ProtocolRules, zone: ZoneInfo
) -> Schedule:
    """The day is full: the next measuring day after a free day, within the 14-day span."""
    gap = 2 if rules.free_day_between else 1
    earliest_day = days[-1] + timedelta(days=gap)
    remaining = rules.days - len(days)
    latest_day = None
    if rules.span_days is not None:
        latest_day = days[0] + timedelta(days=rules.span_days - 1 - (remaining - 1) * gap)
    if remaining <= 0 or (latest_day is not None and latest_day < earliest_day):
        return Schedule(SeriesState.BROKEN, count, len(days), None, None, _span_lost(rules))
    until = end_of_day(latest_day, zone) if latest_day is not None else None
    if until is not None and now >= until:
        return Schedule(SeriesState.BROKEN, count, len(days), None, None, _span_lost(rules))
    start = start_of_day(earliest_day, zone)
    deadline = day_deadline(rules)
    text = _next_day_text(len(days), earliest_day, latest_day, deadline, rules)
    return Schedule(SeriesState.RUNNING, count, len(days), start, until, text, deadline, zone)


def _clock(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    local = moment.astimezone(zone)
    return f"{format_day(local.date(), lang)} {local:%H:%M}"


def _start_text(rules: ProtocolRules, deadline: time) -> Text:
    return Text(
        de=f"Eine neue Messreihe beginnt mit der nächsten Messung per LAN-Kabel: {rules.per_day} "
        f"Messungen an {rules.days} Tagen, zwischen den Messtagen je ein freier Tag. Einen "
        f"Messtag bis spätestens {deadline:%H:%M} Uhr beginnen, damit alle Messungen und die "
        "Pause hineinpassen.",
        en=f"A new series starts with the next measurement by LAN cable: {rules.per_day} "
        f"measurements on {rules.days} days, with a free day between measuring days. Begin a "
        f"measuring day by {deadline:%H:%M} at the latest so that all measurements and the "
        "pause fit in.",
    )


def _complete_text(rules: ProtocolRules) -> Text:
    return Text(
        de=f"Die Messreihe ist vollständig ({rules.measurements} Messungen).",
        en=f"The series is complete ({rules.measurements} measurements).",
    )


def _same_day_text(
    in_day: int, number: int, earliest: datetime, rules: ProtocolRules, zone: ZoneInfo
) -> Text:
    return Text(
        de=f"Nächste Messung ({in_day}. von {rules.per_day} heute, Nr. {number} von "
        f"{rules.measurements}) ab {_clock(earliest, zone, 'de')} Uhr, spätestens bis "
        "Mitternacht.",
        en=f"Next measurement ({in_day} of {rules.per_day} today, no. {number} of "
        f"{rules.measurements}) from {_clock(earliest, zone, 'en')}, before midnight.",
    )


def _next_day_text(
    done: int, earliest: date, latest: date | None, deadline: time, rules: ProtocolRules
) -> Text:
    until_de = f" bis spätestens {format_day(latest, 'de')}" if latest else ""
    until_en = f" until {format_day(latest)} at the latest" if latest else ""
    return Text(
        de=f"Messtag {done} von {rules.days} ist vollständig. Nächster Messtag frühestens am "
        f"{format_day(earliest, 'de')}{until_de}, Beginn bis {deadline:%H:%M} Uhr.",
        en=f"Measuring day {done} of {rules.days} is complete. Next measuring day from "
        f"{format_day(earliest)}{until_en}, starting by {deadline:%H:%M}.",
    )


def _day_lost(day: date, done: int, rules: ProtocolRules) -> Text:
    return Text(
        de=f"Am {format_day(day, 'de')} kamen nur {done} von {rules.per_day} Messungen zustande; "
        "diese Messreihe ist nicht mehr gültig. Die nächste Messung per Kabel beginnt eine neue.",
        en=f"On {format_day(day)} only {done} of {rules.per_day} measurements were taken; this "
        "series can no longer be valid. The next measurement by cable starts a new one.",
    )


def _span_lost(rules: ProtocolRules) -> Text:
    return Text(
        de=f"Die {rules.span_days} Kalendertage für diese Messreihe sind verstrichen. Die nächste "
        "Messung per Kabel beginnt eine neue.",
        en=f"The {rules.span_days} calendar days for this series have passed. The next "
        "measurement by cable starts a new one.",
    )
