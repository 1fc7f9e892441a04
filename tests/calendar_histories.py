"""Histories at the calendar's edges, with independent oracles for what DOMAIN.md §2 says.

Two kinds, shared by the evaluator's properties and the service's (stored progress and
ledger equal to the evaluator):

- hotline passes across both DST changes: diagnoses and counted-topic calls 13 to 15
  calendar days apart, at every hour of the day (the skipped and the repeated hour too);
- a task bonus that falls due on the payment day of a streak grant, under the program's
  monthly cap, some of them at exactly 00:00 local (a tie with the streak).

The oracles are written from DOMAIN.md, not from the evaluator: Berlin is UTC+1 in winter
and UTC+2 in summer, and a wall-clock time is compared as a wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from selfcare.domain.calendar import add_months
from selfcare.domain.events import Event

BERLIN = ZoneInfo("Europe/Berlin")
PASS_DAYS = 14
DST_CHANGES = (date(2025, 3, 30), date(2025, 10, 26), date(2026, 3, 29), date(2026, 10, 25))
TASK_EVENTS = ("portal_registered", "app_first_login", "bill_video_completed")
STREAK_MONTHS, GRACE_DAYS = 9, 3


def wall(moment: datetime) -> datetime:
    """The naive Berlin wall-clock reading of a moment."""
    return moment.astimezone(BERLIN).replace(tzinfo=None)


def instant(reading: datetime) -> datetime:
    """The UTC instant of a Berlin wall-clock reading: its first reading when the clock shows
    it twice, and read in winter time (as if the clock had not jumped) when it is skipped."""
    readings = [
        reading - timedelta(hours=hours)
        for hours in (2, 1)
        if wall((reading - timedelta(hours=hours)).replace(tzinfo=UTC)) == reading
    ]
    first = readings[0] if readings else reading - timedelta(hours=1)
    return first.replace(tzinfo=UTC)


def pass_end(diagnosis: datetime, days: int = PASS_DAYS) -> datetime:
    """Where DOMAIN.md ends the pass: the diagnosis's wall-clock time `days` days later."""
    return instant(wall(diagnosis) + timedelta(days=days))


def covered(call: datetime, diagnoses: list[datetime]) -> bool:
    """Whether any diagnosis's hotline pass covers the call (both ends included)."""
    return any(d <= call <= pass_end(d) for d in diagnoses)


@st.composite
def berlin_moments(draw: st.DrawFn, day: date, near: time | None = None) -> datetime:
    """A UTC moment on a Berlin calendar day at any hour, often close to the clock time
    `near`; the repeated hour's two readings and the skipped hour are drawn too."""
    if near is not None and draw(st.booleans()):
        base = datetime.combine(day, near) + timedelta(minutes=draw(st.integers(-90, 90)))
        reading = base if base.date() == day else datetime.combine(day, near)
    else:
        reading = datetime.combine(day, time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))
    aware = reading.replace(tzinfo=BERLIN, fold=draw(st.integers(0, 1)))
    return aware.astimezone(UTC)


ENROLLED = datetime(2024, 12, 1, 9, 0, tzinfo=UTC)


def _event(customer: str, name: str, kind: str, at: datetime, **fields: object) -> Event:
    return Event(
        event_id=f"{customer}-{name}", customer_id=customer, type=kind, occurred_at=at, **fields
    )


@st.composite
def pass_histories(draw: st.DrawFn, max_customers: int = 2) -> list[Event]:
    """Customers enrolled long before, each with one to three diagnoses a few days before a
    DST change and a call about the bill 13 to 15 calendar days after each."""
    events: list[Event] = []
    for n in range(draw(st.integers(1, max_customers))):
        customer = f"pass-{n}"
        events.append(_event(customer, "inv", "invitation_accepted", ENROLLED))
        for k in range(draw(st.integers(1, 3))):
            change = draw(st.sampled_from(DST_CHANGES))
            day = change - timedelta(days=draw(st.integers(0, 16)))
            diagnosis = draw(berlin_moments(day))
            kind = draw(st.sampled_from(["speedcheck_deviation", "network_outage"]))
            events.append(_event(customer, f"diag{k}", kind, diagnosis))
            later = wall(diagnosis).date() + timedelta(days=draw(st.integers(13, 15)))
            call = draw(berlin_moments(later, near=wall(diagnosis).time()))
            events.append(_event(customer, f"call{k}", "hotline_call", call, text="Rechnungsfrage"))
    return events


@dataclass(frozen=True)
class SameDay:
    """What the same-day history's oracle needs: the streak's payment day, and which task
    bonuses fell due at exactly 00:00 local that day (a tie the reward order decides)."""

    payment_day: date
    tied_tasks: frozenset[str]


def payment_day(enrolled: datetime) -> date:
    """The nine-month streak's payment day: completion plus the settlement grace."""
    completes = add_months(wall(enrolled).date(), STREAK_MONTHS)
    return completes + timedelta(days=GRACE_DAYS)


@st.composite
def same_day_histories(draw: st.DrawFn, customer: str = "same-0") -> list[Event]:
    """One customer without counted calls whose streak grant and one or two task bonuses fall
    due on the same day; streak and task together exceed the monthly cap of 1,800 MB."""
    dst_payment_days = st.sampled_from([date(2024, 6, 27), date(2025, 1, 23)])
    first = draw(dst_payment_days | st.dates(date(2024, 6, 1), date(2025, 6, 30)))
    enrolled = draw(berlin_moments(first))
    events = [_event(customer, "inv", "invitation_accepted", enrolled)]
    day = payment_day(enrolled)
    midnight = datetime.combine(day, time.min, tzinfo=BERLIN).astimezone(UTC)
    tasks = draw(st.lists(st.sampled_from(TASK_EVENTS), min_size=1, max_size=2, unique=True))
    for kind in tasks:
        known = midnight if draw(st.booleans()) else draw(berlin_moments(day))
        delay = timedelta(minutes=draw(st.sampled_from([0, 0, 30, 60 * 24 * 2])))
        events.append(_event(customer, kind, kind, max(known - delay, enrolled), recorded_at=known))
    return events


def same_day_facts(events: list[Event]) -> SameDay:
    """The oracle's view of a same-day history."""
    enrolled = next(e for e in events if e.type == "invitation_accepted")
    day = payment_day(enrolled.occurred_at)
    midnight = datetime.combine(day, time.min, tzinfo=BERLIN).astimezone(UTC)
    tied = frozenset(
        e.type.value for e in events if e.type in TASK_EVENTS and e.known_at == midnight
    )
    return SameDay(day, tied)
