"""Stored progress is kept incrementally and always equals the reference evaluator."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bootstrap import App
from selfcare.customers.projection import get_progress
from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.program import Cap
from selfcare.domain.records import CustomerStateRecord
from selfcare.errors import UnknownCustomer
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.service import Ingestor, ingest_batch
from tests.builders import make_program
from tests.integration.conftest import Clock
from tests.strategies import as_of_days, histories, mostly_in_order

pytestmark = pytest.mark.integration

AFTER_ALL_EVENTS = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
_examples = itertools.count()


def renamed(events: list[Event], prefix: str) -> list[Event]:
    """The same history under ids no other example uses (examples share one database)."""
    return [
        e.model_copy(
            update={"event_id": f"{prefix}{e.event_id}", "customer_id": f"{prefix}{e.customer_id}"}
        )
        for e in events
    ]


def as_rows(events: list[Event]) -> list[dict[str, object]]:
    return [e.model_dump(mode="json", exclude_none=True) for e in events]


def stored_history(app: App, customer_id: str) -> list[Event]:
    with app.uow(read_only=True) as work:
        return work.events.for_customers([customer_id])[customer_id]


PROGRAMS = {
    "real case": make_program(),
    "rolling two-month streak": make_program(streak={"months": 2, "recurrence": "rolling"}),
    "forfeit": make_program(streak={"on_break": "forfeit", "months": 3}),
    "monthly cap": make_program(caps=(Cap(period="month", max_mb=1200),)),
}
LATER_DAYS = st.dates(min_value=AFTER_ALL_EVENTS.date(), max_value=date(2028, 12, 31))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(PROGRAMS)),
    events=histories(),
    days=st.lists(as_of_days() | LATER_DAYS, min_size=1, max_size=5),
    data=st.data(),
)
def test_stored_progress_equals_the_reference_evaluator_on_the_history_as_sent(  # noqa: PLR0917 (fixtures and drawn values)
    app: App,
    clock: Clock,
    name: str,
    events: list[Event],
    days: list[date],
    data: st.DataObject,
) -> None:
    """Batches in any order, then lookups on past, present and future days (the snapshot
    is reused while it holds and replaced when a day brings change). The yardstick is the
    evaluator on the events as sent, so an event that ingest lost or altered fails it."""
    clock.now = AFTER_ALL_EVENTS
    program = PROGRAMS[name]
    ingestor = Ingestor(uow=app.uow, program=program, clock=clock)
    events = renamed(events, f"x{next(_examples)}-")
    batches = data.draw(st.integers(1, 3))
    order = data.draw(st.permutations(events))
    for part in range(batches):
        ingest_batch(ingestor, as_rows(list(order[part::batches])))
    for customer_id in sorted({e.customer_id for e in events}):
        history = [e for e in events if e.customer_id == customer_id]
        for day in [app.today(), *sorted(days)]:
            expected = evaluate(program, history, day).customers[0]
            got = get_progress(uow=app.uow, program=program, customer_id=customer_id, as_of=day)
            assert got == expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(PROGRAMS)),
    events=mostly_in_order(),
    days=st.lists(LATER_DAYS, max_size=2),
    data=st.data(),
)
def test_events_folded_as_they_arrive_give_the_reference_answer(  # noqa: PLR0917 (fixtures and drawn values)
    app: App,
    clock: Clock,
    name: str,
    events: list[Event],
    days: list[date],
    data: st.DataObject,
) -> None:
    """Arrivals mostly in time order, a few at a time: checkpoints folded forward with
    their verdicts frozen into `customer_call`, or rebuilt for a late arrival; lookups read
    the snapshot and the frozen verdicts back, or project the checkpoint on a later day."""
    clock.now = AFTER_ALL_EVENTS
    program = PROGRAMS[name]
    ingestor = Ingestor(uow=app.uow, program=program, clock=clock)
    events = renamed(events, f"i{next(_examples)}-")
    start = 0
    while start < len(events):
        size = data.draw(st.integers(1, 3))
        ingest_batch(ingestor, as_rows(events[start : start + size]))
        start += size
    for customer_id in sorted({e.customer_id for e in events}):
        history = [e for e in events if e.customer_id == customer_id]
        for day in [app.today(), app.today(), *sorted(days)]:
            expected = evaluate(program, history, day).customers[0]
            got = get_progress(uow=app.uow, program=program, customer_id=customer_id, as_of=day)
            assert got == expected


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=histories())
def test_the_ledger_holds_exactly_the_grants_due_by_today(
    app: App, clock: Clock, events: list[Event]
) -> None:
    clock.now = AFTER_ALL_EVENTS
    events = renamed(events, f"g{next(_examples)}-")
    ingest_batch(app.ingestor, as_rows(events))
    expected = evaluate(app.program, events, app.today())
    for customer in expected.customers:
        ledger = customer_grants(uow=app.uow, customer_id=customer.customer_id)
        assert sorted((g.reward, g.period, g.amount_mb, g.granted_on) for g in ledger) == sorted(
            (g.reward, g.period, g.amount_mb, g.granted_on) for g in customer.grants
        )


def enrolled_on_31_may(app: App) -> None:
    ingest_batch(
        app.ingestor,
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


def test_the_snapshot_answers_until_the_streak_completes(app: App, clock: Clock) -> None:
    clock.now = datetime(2025, 6, 1, 10, tzinfo=UTC)
    enrolled_on_31_may(app)
    with app.uow(read_only=True) as work:
        row = work.states.get(app.program.id, "c1")
        assert isinstance(row, CustomerStateRecord)
    # nine calendar months from 31 May end on 28 Feb (clamped): the first day that changes
    assert (row.progress_as_of, row.valid_through, row.event_count) == (
        date(2025, 6, 1),
        date(2026, 2, 27),
        2,
    )


def test_a_streak_bonus_falls_due_by_the_settle_job_without_any_new_event(
    app: App, clock: Clock
) -> None:
    clock.now = datetime(2025, 6, 1, 10, tzinfo=UTC)
    enrolled_on_31_may(app)
    assert [g.reward for g in customer_grants(uow=app.uow, customer_id="c1")] == [
        "portal_registration"
    ]
    clock.now = datetime(2026, 3, 2, 22, 59, tzinfo=UTC)  # 2 March, 23:59 in Berlin
    app.tick()
    assert len(customer_grants(uow=app.uow, customer_id="c1")) == 1
    clock.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # 3 March, 00:00 in Berlin
    app.tick()
    streak = [
        g
        for g in customer_grants(uow=app.uow, customer_id="c1")
        if g.reward == "nine_months_without_hotline"
    ]
    assert [(g.period, g.amount_mb, g.granted_on, g.status) for g in streak] == [
        ("2025-05-31", 1800, date(2026, 3, 3), "pending")
    ]


def test_progress_of_an_unknown_customer_is_an_error(app: App) -> None:
    with pytest.raises(UnknownCustomer):
        get_progress(uow=app.uow, program=app.program, customer_id="nobody", as_of=date(2026, 1, 1))


def test_a_new_program_answers_from_the_stored_history_and_catches_up_its_states(
    app: App, clock: Clock
) -> None:
    clock.now = datetime(2025, 6, 1, 10, tzinfo=UTC)
    enrolled_on_31_may(app)
    renamed_program = make_program(id="online-statt-hotline-2")
    history = stored_history(app, "c1")
    expected = evaluate(renamed_program, history, date(2025, 6, 1)).customers[0]
    assert (
        get_progress(uow=app.uow, program=renamed_program, customer_id="c1", as_of=date(2025, 6, 1))
        == expected
    )
    app.program = renamed_program
    app.tick()
    with app.uow(read_only=True) as work:
        row = work.states.get(renamed_program.id, "c1")
        assert row is not None
        assert row.event_count == 2
    # The program id is part of a grant's key (two programs may share reward ids): the
    # program under its new id writes its own grant, the first program's stays as it was.
    assert sorted(
        (g.program_id, g.reward) for g in customer_grants(uow=app.uow, customer_id="c1")
    ) == [
        ("online-statt-hotline", "portal_registration"),
        ("online-statt-hotline-2", "portal_registration"),
    ]
