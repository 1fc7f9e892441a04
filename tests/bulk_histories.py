"""Histories for the differential tests of the bulk engine against the reference evaluator.

Each customer is built around the edges the engines could disagree on: enrollments on month
ends and DST days, calls exactly at window ends and settlement days, diagnoses whose pass ends
on a DST day, late records, duplicates (resent and conflicting), exempt reason codes and
texts, outbound and unanswered contacts, a contract end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
from hypothesis import strategies as st

from selfcare.domain.calendar import add_months
from selfcare.domain.events import Event
from selfcare.domain.program import Cap, Program
from tests.builders import make_program

BERLIN = ZoneInfo("Europe/Berlin")
TASKS = ("portal_registered", "app_first_login", "bill_video_completed")
CODES = (None, None, None, "VVL", "mahnung ", "NETZ", "UNKNOWN")
TEXTS = (
    None,
    "Frage zu meiner Rechnung",
    "Ich möchte kündigen",
    "ich will nicht kündigen, nur eine Frage",
    "Kein Empfang seit gestern",
    "Vertragsverlängerung bitte",
    "",
    "Hallo",
)
SPECIAL_DAYS = (
    date(2025, 1, 31),
    date(2025, 3, 30),
    date(2025, 5, 31),
    date(2025, 8, 31),
    date(2025, 10, 26),
    date(2025, 11, 30),
    date(2026, 3, 29),
    date(2026, 10, 25),
)
PROGRAMS: dict[str, Program] = {
    "real case": make_program(),
    "rolling two months": make_program(streak={"months": 2, "recurrence": "rolling"}),
    "forfeit": make_program(streak={"on_break": "forfeit", "months": 3}),
    "rolling one month, no grace": make_program(
        streak={"months": 1, "recurrence": "rolling", "settlement_grace_days": 0}
    ),
    "yearly cap without carry-over": make_program(
        caps=(Cap(period="year", max_mb=2400, carry_over=False), Cap(max_mb=1800))
    ),
    "tight caps, one for the whole program": make_program(
        streak={"months": 1, "recurrence": "rolling", "settlement_grace_days": 0},
        caps=(Cap(max_mb=1300), Cap(period="program", max_mb=4200, carry_over=False)),
    ),
}
FIELDS = (
    "event_id",
    "customer_id",
    "type",
    "occurred_at",
    "recorded_at",
    "reason_code",
    "text",
    "direction",
    "reached_agent",
)


@st.composite
def local_moments(draw: st.DrawFn, day: date) -> datetime:
    """A moment on a Berlin day: midnight, just before midnight, or any minute (either
    reading of a repeated hour)."""
    clock = draw(st.sampled_from([time(0, 0), time(23, 59), time(2, 30), None]) | st.just(None))
    if clock is None:
        clock = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    aware = datetime.combine(day, clock, tzinfo=BERLIN).replace(fold=draw(st.integers(0, 1)))
    return aware.astimezone(UTC)


@st.composite
def days_near(draw: st.DrawFn, anchor: date) -> date:
    """A day around a window's edge: the anchor, the settlement days, or a little either side."""
    return anchor + timedelta(days=draw(st.sampled_from([-1, 0, 0, 1, 2, 3, 4, 20, -40])))


@st.composite
def customer_history(draw: st.DrawFn, customer: str, months: int) -> list[Event]:
    """One customer's events around their own enrollment's window edges."""
    first = draw(st.sampled_from(SPECIAL_DAYS) | st.dates(date(2025, 1, 1), date(2026, 6, 30)))
    enrolled_at = draw(local_moments(first))
    edges = [add_months(first, months * k) for k in range(1, 4)]
    out: list[Event] = []
    counter = iter(range(1000))

    def add(kind: str, at: datetime, **fields: object) -> None:
        delay = draw(st.sampled_from([0, 0, 0, 5, 60 * 24 * 3, 60 * 24 * 5, 60 * 24 * 40]))
        known = at + timedelta(minutes=delay)
        recorded = None if delay == 0 and draw(st.booleans()) else known
        out.append(
            Event(
                event_id=f"{customer}-{next(counter)}",
                customer_id=customer,
                type=kind,
                occurred_at=at,
                recorded_at=recorded,
                **fields,
            )
        )

    if draw(st.integers(0, 5)) > 0:
        add("invitation_accepted", enrolled_at)
    for kind in draw(st.lists(st.sampled_from(TASKS), max_size=4)):
        add(kind, draw(local_moments(draw(days_near(first)))))
    for _ in range(draw(st.integers(0, 5))):
        day = draw(days_near(draw(st.sampled_from([first, *edges]))))
        kind = draw(st.sampled_from(["hotline_call", "hotline_call", "chat_contact"]))
        add(
            kind,
            draw(local_moments(day)),
            reason_code=draw(st.sampled_from(CODES)),
            text=draw(st.sampled_from(TEXTS)),
            direction=draw(st.sampled_from(["inbound", "inbound", "outbound"])),
            reached_agent=draw(st.sampled_from([True, True, False])),
        )
    for _ in range(draw(st.integers(0, 2))):
        at = draw(local_moments(draw(days_near(draw(st.sampled_from(SPECIAL_DAYS))))))
        add(draw(st.sampled_from(["speedcheck_deviation", "network_outage"])), at)
        later = (at.astimezone(BERLIN) + timedelta(days=draw(st.sampled_from([13, 14, 15])))).date()
        add("hotline_call", draw(local_moments(later)), text="Frage zu meiner Rechnung")
    if draw(st.integers(0, 4)) == 0:
        add("contract_ended", draw(local_moments(draw(days_near(edges[0])))))
    return _with_duplicates(draw, out)


def _with_duplicates(draw: st.DrawFn, events: list[Event]) -> list[Event]:
    """Some events sent twice, some of those with other content (a conflicting version)."""
    if not events:
        return events
    extra = []
    for original in draw(st.lists(st.sampled_from(events), max_size=3)):
        if draw(st.booleans()):
            extra.append(original)
        else:
            shift = timedelta(minutes=draw(st.sampled_from([-30, 0, 30])))
            extra.append(
                original.model_copy(
                    update={
                        "recorded_at": original.known_at + timedelta(hours=1),
                        "occurred_at": original.occurred_at + min(shift, timedelta(0)),
                    }
                )
            )
    return events + extra


@st.composite
def bulk_histories(draw: st.DrawFn, months: int = 9, max_customers: int = 4) -> list[Event]:
    """Events of a few customers, each around their own edges, in arbitrary order."""
    events: list[Event] = []
    for n in range(draw(st.integers(1, max_customers))):
        events.extend(draw(customer_history(f"b{n}", months)))
    return draw(st.permutations(events))


def as_of_days() -> st.SearchStrategy[date]:
    return st.sampled_from([date(2025, 6, 3), date(2026, 3, 3), date(2026, 12, 31)]) | st.dates(
        date(2025, 1, 1), date(2028, 1, 1)
    )


def raw_table(events: list[Event]) -> pa.Table:
    """Events as an input file has them: text columns, times with their offsets."""
    rows = {name: [] for name in FIELDS}  # type: dict[str, list[object]]
    for e in events:
        rows["event_id"].append(e.event_id)
        rows["customer_id"].append(e.customer_id)
        rows["type"].append(e.type.value)
        rows["occurred_at"].append(e.occurred_at.isoformat())
        rows["recorded_at"].append(e.recorded_at.isoformat() if e.recorded_at else None)
        rows["reason_code"].append(e.reason_code)
        rows["text"].append(e.text)
        rows["direction"].append(e.direction.value)
        rows["reached_agent"].append(e.reached_agent)
    types = {name: pa.string() for name in FIELDS} | {"reached_agent": pa.bool_()}
    return pa.table({name: pa.array(rows[name], types[name]) for name in FIELDS})


def batched(histories: list[list[Event]]) -> list[Event]:
    """Many drawn histories as one input: each history's customers and ids get its number,
    so one engine run checks them all (an engine run costs far more than a customer)."""
    return [
        e.model_copy(
            update={"customer_id": f"h{n:03d}-{e.customer_id}", "event_id": f"h{n}-{e.event_id}"}
        )
        for n, history in enumerate(histories)
        for e in history
    ]
