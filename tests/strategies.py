"""Hypothesis strategies for event histories, shared by the evaluator, store and bulk tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from selfcare.domain.events import Event

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_DAYS = 700
TASKS = ("portal_registered", "app_first_login", "bill_video_completed")
EXEMPT_CODES = ("VVL", "MAHNUNG", "KUENDIGUNG", "NETZ")


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    return START + timedelta(minutes=draw(st.integers(0, SPAN_DAYS * 24 * 60)))


@st.composite
def events_for(draw: st.DrawFn, customer: str, prefix: str) -> list[Event]:
    """A plausible history of one customer: enrollment, tasks, calls, diagnoses, late records."""
    kinds = st.sampled_from(
        [
            "invitation_accepted",
            *TASKS,
            *["hotline_call"] * 6,
            "speedcheck_deviation",
            "contract_ended",
            "chat_contact",
        ]
    )
    out: list[Event] = []
    count = draw(st.integers(0, 14))
    for index in range(count):
        kind = "invitation_accepted" if index == count - 1 and draw(st.booleans()) else draw(kinds)
        occurred = draw(moments())
        delay = draw(st.sampled_from([0, 0, 0, 60, 60 * 24 * 2, 60 * 24 * 20]))
        fields: dict[str, object] = {}
        if kind in ("hotline_call", "chat_contact"):
            fields["reason_code"] = draw(st.sampled_from([None, None, *EXEMPT_CODES]))
            fields["direction"] = draw(st.sampled_from(["inbound", "inbound", "outbound"]))
            fields["reached_agent"] = draw(st.sampled_from([True, True, False]))
        out.append(
            Event(
                event_id=f"{prefix}-{index}",
                customer_id=customer,
                type=kind,
                occurred_at=occurred,
                recorded_at=occurred + timedelta(minutes=delay),
                **fields,
            )
        )
    return out


@st.composite
def histories(draw: st.DrawFn, max_customers: int = 3) -> list[Event]:
    """Events of a few customers, in arbitrary order."""
    events: list[Event] = []
    for n in range(draw(st.integers(1, max_customers))):
        events.extend(draw(events_for(f"cust-{n}", f"c{n}")))
    return events


def as_of_days() -> st.SearchStrategy[date]:
    return st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 3, 1))


@st.composite
def arriving_in_order(draw: st.DrawFn, customer: str = "c", prefix: str = "e") -> list[Event]:
    """One customer's events, each happening after the one before and known no earlier:
    the order in which the incremental projection folds them forward."""
    drawn = sorted(
        draw(events_for(customer, prefix)),
        key=lambda e: (e.occurred_at.astimezone(UTC), e.event_id),
    )
    out: list[Event] = []
    for event in drawn:
        if out and event.occurred_at <= out[-1].occurred_at:
            continue
        known = event.known_at if not out else max(event.known_at, out[-1].known_at)
        out.append(event.model_copy(update={"recorded_at": known}))
    return out


@st.composite
def mostly_in_order(draw: st.DrawFn, customers: int = 2) -> list[Event]:
    """Events of a few customers interleaved in time order, with now and then one that
    arrives late (moved behind later ones): both ways of the incremental projection."""
    events = sorted(
        (e for n in range(customers) for e in draw(arriving_in_order(f"cust-{n}", f"c{n}"))),
        key=lambda e: e.occurred_at.astimezone(UTC),
    )
    for _ in range(draw(st.integers(0, 2))):
        if len(events) > 1:
            i = draw(st.integers(0, len(events) - 2))
            j = draw(st.integers(i + 1, len(events) - 1))
            events.insert(j, events.pop(i))
    return events
