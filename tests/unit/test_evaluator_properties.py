"""Properties of the reference evaluator that must hold for every history."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.progress import CustomerProgress, Progress
from tests.builders import make_program
from tests.strategies import as_of_days, histories

PROGRAMS = {
    "real case": make_program(),
    "rolling monthly streak": make_program(streak={"months": 2, "recurrence": "rolling"}),
    "forfeit": make_program(streak={"on_break": "forfeit", "months": 3}),
}
programs = st.sampled_from(sorted(PROGRAMS))


def without_calls(progress: Progress) -> list[CustomerProgress]:
    return [c.model_copy(update={"calls": ()}) for c in progress.customers]


@settings(max_examples=150, deadline=None)
@given(name=programs, events=histories(), as_of=as_of_days(), data=st.data())
def test_resending_any_subset_of_events_changes_nothing(
    name: str, events: list[Event], as_of: date, data: st.DataObject
) -> None:
    resent = data.draw(st.lists(st.sampled_from(events), max_size=8)) if events else []
    program = PROGRAMS[name]
    assert evaluate(program, events + resent, as_of) == evaluate(program, events, as_of)


@settings(max_examples=150, deadline=None)
@given(name=programs, events=histories(), as_of=as_of_days(), data=st.data())
def test_shuffling_events_changes_nothing(
    name: str, events: list[Event], as_of: date, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(events))
    program = PROGRAMS[name]
    assert evaluate(program, shuffled, as_of) == evaluate(program, events, as_of)


@settings(max_examples=150, deadline=None)
@given(name=programs, events=histories(max_customers=1), first=as_of_days(), later=as_of_days())
def test_earned_mb_never_decreases_as_as_of_advances(
    name: str, events: list[Event], first: date, later: date
) -> None:
    early, late = sorted((first, later))
    program = PROGRAMS[name]
    before = {c.customer_id: c for c in evaluate(program, events, early).customers}
    after = {c.customer_id: c for c in evaluate(program, events, late).customers}
    for customer_id, progress in before.items():
        assert after[customer_id].earned_mb >= progress.earned_mb
        assert set(progress.grants) <= set(after[customer_id].grants)


@settings(max_examples=150, deadline=None)
@given(name=programs, events=histories(), as_of=as_of_days(), data=st.data())
def test_an_exempt_call_never_changes_the_result_compared_to_removing_it(
    name: str, events: list[Event], as_of: date, data: st.DataObject
) -> None:
    program = PROGRAMS[name]
    result = evaluate(program, events, as_of)
    exempt = {c.event_id for p in result.customers for c in p.calls if not c.counts}
    removed = (
        set(data.draw(st.lists(st.sampled_from(sorted(exempt)), unique=True))) if exempt else set()
    )
    kept = [e for e in events if e.event_id not in removed]
    assert without_calls(evaluate(program, kept, as_of)) == [
        c for c in without_calls(result) if any(e.customer_id == c.customer_id for e in kept)
    ]
