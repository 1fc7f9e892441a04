"""Stored progress on the fake unit of work: always the reference evaluator's answer on the
history as sent, snapshots reused while they hold, grants that fall due with time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.customers.projection import catch_up, get_progress, settle
from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.incremental import HELD_VERDICTS
from selfcare.errors import UnknownCustomer
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.service import ingest_batch
from tests.builders import make_program
from tests.strategies import as_of_days, histories, mostly_in_order
from tests.unit.services.wiring import Wired

AFTER_ALL_EVENTS = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def as_rows(events: list[Event]) -> list[dict[str, object]]:
    return [e.model_dump(mode="json", exclude_none=True) for e in events]


def enrolled_on_31_may(wired: Wired) -> None:
    ingest_batch(
        wired.ingestor,
        [
            {
                "event_id": "inv",
                "customer_id": "c1",
                "type": "invitation_accepted",
                "occurred_at": "2025-05-31T10:00:00+02:00",
            },
            {
                "event_id": "reg",
                "customer_id": "c1",
                "type": "portal_registered",
                "occurred_at": "2025-05-31T11:00:00+02:00",
            },
        ],
    )


@settings(max_examples=60, deadline=None)
@given(
    events=histories(),
    days=st.lists(as_of_days(), min_size=1, max_size=4),
    data=st.data(),
)
def test_stored_progress_equals_the_reference_evaluator_on_the_history_as_sent(
    events: list[Event], days: list[date], data: st.DataObject
) -> None:
    """Batches in any order, then lookups on several days: an event lost or altered by
    ingest would show here, since the expectation never reads storage."""
    wired = Wired()
    wired.clock.now = AFTER_ALL_EVENTS
    batches = data.draw(st.integers(1, 3))
    order = data.draw(st.permutations(events))
    for part in range(batches):
        ingest_batch(wired.ingestor, as_rows(list(order[part::batches])))
    for customer_id in sorted({e.customer_id for e in events}):
        sent = [e for e in events if e.customer_id == customer_id]
        for day in [wired.today(), *sorted(days)]:
            expected = evaluate(wired.program, sent, day).customers[0]
            got = get_progress(
                uow=wired.storage, program=wired.program, customer_id=customer_id, as_of=day
            )
            assert got == expected


@settings(max_examples=60, deadline=None)
@given(
    events=mostly_in_order(),
    later=st.lists(st.integers(0, 700), min_size=1, max_size=3),
    data=st.data(),
)
def test_events_folded_as_they_arrive_give_the_reference_answer(
    events: list[Event], later: list[int], data: st.DataObject
) -> None:
    """Arrivals mostly in time order, one or a few at a time: the checkpoint is folded
    forward (verdicts frozen, walks carried) or, for a late one, rebuilt; lookups read the
    snapshot with the frozen verdicts, or project the checkpoint on a later day."""
    wired = Wired()
    wired.clock.now = AFTER_ALL_EVENTS
    start = 0
    while start < len(events):
        size = data.draw(st.integers(1, 3))
        ingest_batch(wired.ingestor, as_rows(events[start : start + size]))
        start += size
    for customer_id in sorted({e.customer_id for e in events}):
        sent = [e for e in events if e.customer_id == customer_id]
        for day in [wired.today(), wired.today(), *(wired.today() + timedelta(d) for d in later)]:
            expected = evaluate(wired.program, sent, day).customers[0]
            got = get_progress(
                uow=wired.storage, program=wired.program, customer_id=customer_id, as_of=day
            )
            assert got == expected


def test_a_time_ordered_history_freezes_verdicts_and_a_late_event_rebuilds() -> None:
    wired = Wired()
    wired.clock.now = AFTER_ALL_EVENTS
    rows: list[dict[str, object]] = [
        {
            "event_id": "inv",
            "customer_id": "c1",
            "type": "invitation_accepted",
            "occurred_at": "2025-01-06T10:00:00+01:00",
        }
    ]
    start = datetime(2025, 1, 13, 9, tzinfo=UTC)
    rows += [
        {
            "event_id": f"call-{week:02}",
            "customer_id": "c1",
            "type": "hotline_call",
            "occurred_at": (start + timedelta(weeks=week)).isoformat(),
            "text": "Frage zu meinem Tarif",
        }
        for week in range(40)
    ]
    for row in rows:
        ingest_batch(wired.ingestor, [row])
    with wired.storage(read_only=True) as work:
        frozen = work.states.calls(wired.program.id, "c1")
        state = work.states.get(wired.program.id, "c1")
    assert state is not None
    held = len(json.loads(state.state)["held"])
    assert len(frozen) > HELD_VERDICTS  # moved to the verdict list in groups
    assert held <= HELD_VERDICTS
    late = {**rows[3], "event_id": "late", "occurred_at": "2025-01-24T10:00:00+01:00"}
    ingest_batch(wired.ingestor, [late])
    with wired.storage(read_only=True) as work:
        calls = [json.loads(t)["event_id"] for t in work.states.calls(wired.program.id, "c1")]
    assert calls[:4] == ["call-00", "call-01", "late", "call-02"]  # written anew, in order
    with wired.storage(read_only=True) as work:  # recorded_at as ingest filled it in
        history = work.events.for_customers(["c1"])["c1"]
    assert len(history) == len(rows) + 1
    expected = evaluate(wired.program, history, wired.today()).customers[0]
    got = get_progress(
        uow=wired.storage, program=wired.program, customer_id="c1", as_of=wired.today()
    )
    assert got == expected


def test_the_snapshot_answers_until_the_streak_completes() -> None:
    wired = Wired()
    wired.clock.now = datetime(2025, 6, 1, 10, tzinfo=UTC)
    enrolled_on_31_may(wired)
    with wired.storage(read_only=True) as work:
        state = work.states.get(wired.program.id, "c1")
    assert state is not None
    assert (state.progress_as_of, state.valid_through, state.event_count) == (
        date(2025, 6, 1),
        date(2026, 2, 27),
        2,
    )
    assert state.answers(date(2026, 2, 27))
    assert not state.answers(date(2026, 2, 28))


def test_a_streak_bonus_falls_due_by_the_settle_job_without_any_new_event() -> None:
    wired = Wired()
    wired.clock.now = datetime(2025, 6, 1, 10, tzinfo=UTC)
    enrolled_on_31_may(wired)

    def settle_now() -> list[str]:
        recorded = settle(
            uow=wired.storage, program=wired.program, today=wired.today(), clock=wired.clock
        )
        return list(recorded.new)

    wired.clock.now = datetime(2026, 3, 2, 22, 59, tzinfo=UTC)  # 2 March, 23:59 in Berlin
    assert settle_now() == []
    wired.clock.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # 3 March, 00:00 in Berlin
    assert len(settle_now()) == 1
    streak = [
        (g.period, g.amount_mb, g.granted_on, g.status)
        for g in customer_grants(uow=wired.storage, customer_id="c1")
        if g.reward == "nine_months_without_hotline"
    ]
    assert streak == [("2025-05-31", 1800, date(2026, 3, 3), "pending")]


def test_progress_of_an_unknown_customer_is_an_error() -> None:
    wired = Wired()
    with pytest.raises(UnknownCustomer):
        get_progress(
            uow=wired.storage, program=wired.program, customer_id="nobody", as_of=date(2026, 1, 1)
        )


def test_a_new_program_answers_from_the_history_and_catches_up_its_states() -> None:
    wired = Wired()
    wired.clock.now = datetime(2025, 6, 1, 10, tzinfo=UTC)
    enrolled_on_31_may(wired)
    renamed = make_program(id="online-statt-hotline-2")
    with wired.storage(read_only=True) as work:
        history = work.events.for_customers(["c1"])["c1"]
    expected = evaluate(renamed, history, date(2025, 6, 1)).customers[0]
    got = get_progress(uow=wired.storage, program=renamed, customer_id="c1", as_of=date(2025, 6, 1))
    assert got == expected
    caught_up = catch_up(uow=wired.storage, program=renamed, today=wired.today(), clock=wired.clock)
    assert caught_up == 1
    with wired.storage(read_only=True) as work:
        state = work.states.get(renamed.id, "c1")
    assert state is not None
    assert state.event_count == 2
