"""The live service on calendar-edge histories: stored progress and the ledger it writes as
time passes equal the reference evaluator, and both follow DOMAIN.md §2.

Events are ingested at the moment selfcare learns of them and the settle job ticks at local
midnight of every day something happens, as `selfcare serve` does; a grant written to the
ledger at 00:00 is never taken back by a task recorded later that day.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bootstrap import App
from selfcare.customers.projection import get_progress
from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import DIAGNOSIS_TYPES, Event
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.service import ingest_batch
from tests.calendar_histories import (
    BERLIN,
    covered,
    pass_histories,
    same_day_facts,
    same_day_histories,
)
from tests.integration.conftest import Clock
from tests.integration.test_progress_state import as_rows, renamed, stored_history

pytestmark = pytest.mark.integration

THE_END = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
STREAK = "nine_months_without_hotline"
_examples = itertools.count()
SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN).astimezone(UTC)


def live(app: App, clock: Clock, events: list[Event]) -> None:
    """Ingest each event when it becomes known; tick at every local midnight that matters."""
    days = {e.known_at.astimezone(BERLIN).date() for e in events}
    final = evaluate(app.program, events, THE_END.date()).customers
    days |= {g.granted_on for c in final for g in c.grants}
    moments = sorted({e.known_at.astimezone(UTC) for e in events} | {midnight(d) for d in days})
    for moment in [*moments, THE_END]:
        clock.now = moment
        arriving = [e for e in events if e.known_at == moment]
        if arriving:
            ingest_batch(app.ingestor, as_rows(arriving))
        app.tick()


def ledger_of(app: App, customer_id: str) -> list[tuple[str, str, int, date]]:
    grants = customer_grants(uow=app.uow, customer_id=customer_id)
    return sorted((g.reward, g.period, g.amount_mb, g.granted_on) for g in grants)


def assert_service_equals_evaluator(app: App, events: list[Event], days: list[date]) -> None:
    for customer_id in sorted({e.customer_id for e in events}):
        history = stored_history(app, customer_id)
        for day in [*sorted(days), app.today()]:
            expected = evaluate(app.program, history, day).customers[0]
            got = get_progress(uow=app.uow, program=app.program, customer_id=customer_id, as_of=day)
            assert got == expected
        final = evaluate(app.program, history, app.today()).customers[0]
        assert ledger_of(app, customer_id) == sorted(
            (g.reward, g.period, g.amount_mb, g.granted_on) for g in final.grants
        )


@SETTINGS
@given(events=pass_histories(), days=st.lists(st.dates(date(2025, 3, 1), date(2026, 12, 31))))
def test_hotline_passes_across_dst_changes_live_equal_the_evaluator_and_the_calendar(
    app: App, clock: Clock, events: list[Event], days: list[date]
) -> None:
    events = renamed(events, f"p{next(_examples)}-")
    live(app, clock, events)
    assert_service_equals_evaluator(app, events, days)
    for customer_id in sorted({e.customer_id for e in events}):
        diagnoses = [
            e.occurred_at
            for e in events
            if e.customer_id == customer_id and e.type in DIAGNOSIS_TYPES
        ]
        progress = get_progress(
            uow=app.uow, program=app.program, customer_id=customer_id, as_of=app.today()
        )
        for call in progress.calls:
            assert call.counts is not covered(call.occurred_at, diagnoses), call.explanation


@SETTINGS
@given(events=same_day_histories(), days=st.lists(st.dates(date(2026, 2, 1), date(2026, 5, 31))))
def test_same_day_grants_under_a_cap_written_live_equal_the_evaluator(
    app: App, clock: Clock, events: list[Event], days: list[date]
) -> None:
    events = renamed(events, f"s{next(_examples)}-")
    live(app, clock, events)
    assert_service_equals_evaluator(app, events, days)
    facts = same_day_facts(events)
    (customer_id,) = {e.customer_id for e in events}
    streak = [g for g in ledger_of(app, customer_id) if g[0] == STREAK]
    on_the_day = [g[3] for g in streak] == [facts.payment_day]
    assert on_the_day is not bool(facts.tied_tasks)
