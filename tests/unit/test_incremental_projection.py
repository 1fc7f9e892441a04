"""The incremental projection gives the reference evaluator's answer, event by event.

Histories are drawn so that events arrive after everything before them (the case the
checkpoint is folded forward in), under programs with short, rolling, forfeiting streaks
and a tight cap, so that windows close, walks are carried, contacts are frozen and
diagnoses dropped while the history grows. After every arrival the checkpoint's projection
with its frozen verdicts must equal `project` on the whole history so far, on the day of
the arrival and on later days; rebuilding a checkpoint from the whole history must too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.domain.calendar import local_date
from selfcare.domain.evaluator import project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.incremental import (
    HELD_VERDICTS,
    Checkpoint,
    advance,
    appendable,
    rebuild,
    with_frozen,
)
from selfcare.domain.program import Cap, Program
from selfcare.domain.progress import CallResult
from tests.builders import make_program
from tests.strategies import arriving_in_order


@st.composite
def programs(draw: st.DrawFn) -> Program:
    streak = {
        "months": draw(st.sampled_from([1, 2, 9])),
        "on_break": draw(st.sampled_from(["restart", "forfeit"])),
        "recurrence": draw(st.sampled_from(["once", "rolling"])),
        "settlement_grace_days": draw(st.sampled_from([0, 3, 30])),
    }
    caps = draw(st.sampled_from([(), (Cap(period="month", max_mb=1000),)]))
    return make_program(streak=streak, caps=caps)


def known_day(events: list[Event], program: Program) -> date:
    return max(local_date(e.known_at, program.zone) for e in events)


@settings(max_examples=150, deadline=None)
@given(program=programs(), events=arriving_in_order(), later=st.integers(0, 400))
def test_folding_event_by_event_equals_the_reference_on_the_history_so_far(
    program: Program, events: list[Event], later: int
) -> None:
    checkpoint = Checkpoint(customer_id="c")
    frozen: list[CallResult] = []
    for n, event in enumerate(events, start=1):
        today = known_day(events[:n], program)
        assert appendable(checkpoint, [event], today, program)
        result = advance(program, checkpoint, [event], today)
        checkpoint = result.checkpoint
        frozen.extend(result.frozen)
        assert checkpoint.frozen_calls == len(frozen)
        reference = project(program, state_from_events("c", events[:n]), today)
        assert with_frozen(result.progress, frozen) == reference
    if not events:
        return
    day = known_day(events, program) + timedelta(days=later)
    again = advance(program, checkpoint, [], day)
    assert again.frozen == ()
    assert with_frozen(again.progress, frozen) == project(
        program, state_from_events("c", events), day
    )
    whole = rebuild(program, "c", events, day)
    assert with_frozen(whole.progress, whole.frozen) == again.progress.model_copy(
        update={"calls": (*frozen, *again.progress.calls)}
    )


@settings(max_examples=60, deadline=None)
@given(program=programs(), events=arriving_in_order(), data=st.data())
def test_batches_of_arrivals_fold_like_single_ones(
    program: Program, events: list[Event], data: st.DataObject
) -> None:
    checkpoint, start = Checkpoint(customer_id="c"), 0
    frozen: list[CallResult] = []
    while start < len(events):
        size = data.draw(st.integers(1, 4))
        batch = events[start : start + size]
        start += len(batch)
        today = known_day(events[:start], program)
        result = advance(program, checkpoint, list(reversed(batch)), today)
        checkpoint = result.checkpoint
        frozen.extend(result.frozen)
        reference = project(program, state_from_events("c", events[:start]), today)
        assert with_frozen(result.progress, frozen) == reference


def test_an_event_before_the_latest_one_or_a_day_before_it_was_known_is_not_appended() -> None:
    program = make_program()
    first = Event(
        event_id="a",
        customer_id="c",
        type="hotline_call",
        occurred_at=datetime(2025, 3, 1, 10, tzinfo=UTC),
        recorded_at=datetime(2025, 3, 5, 10, tzinfo=UTC),
    )
    checkpoint = advance(program, Checkpoint(customer_id="c"), [first], date(2025, 3, 5))
    earlier = first.model_copy(
        update={"event_id": "b", "occurred_at": datetime(2025, 2, 1, tzinfo=UTC)}
    )
    known_before = first.model_copy(
        update={
            "event_id": "d",
            "occurred_at": datetime(2025, 3, 2, tzinfo=UTC),
            "recorded_at": datetime(2025, 3, 2, 12, tzinfo=UTC),
        }
    )
    later = first.model_copy(
        update={
            "event_id": "e",
            "occurred_at": datetime(2025, 3, 6, tzinfo=UTC),
            "recorded_at": None,
        }
    )
    assert not appendable(checkpoint.checkpoint, [earlier], date(2025, 3, 5), program)
    assert not appendable(checkpoint.checkpoint, [known_before], date(2025, 3, 5), program)
    assert not appendable(checkpoint.checkpoint, [later], date(2025, 3, 5), program)
    assert appendable(checkpoint.checkpoint, [later], date(2025, 3, 6), program)


def test_a_long_time_ordered_history_leaves_a_small_checkpoint() -> None:
    """A year of weekly counted calls after enrollment: the checkpoint keeps the open
    window's calls, not the year's, and the rest went to the verdict list."""
    program = make_program(streak={"months": 1, "recurrence": "rolling"})
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    events = [Event(event_id="inv", customer_id="c", type="invitation_accepted", occurred_at=start)]
    for week in range(1, 53):
        events.append(
            Event(
                event_id=f"call-{week:02}",
                customer_id="c",
                type="hotline_call",
                occurred_at=start + timedelta(weeks=week),
                text="Frage zu meinem Tarif",
            )
        )
    checkpoint = Checkpoint(customer_id="c")
    frozen: list[CallResult] = []
    for event in events:
        result = advance(program, checkpoint, [event], local_date(event.known_at, program.zone))
        checkpoint, frozen = result.checkpoint, [*frozen, *result.frozen]
    # enrollment and the calls of the last month: a broken window is open until it would
    # have ended, since a later call could still fall into it (and be noted there)
    assert len(checkpoint.events) <= 1 + 5
    assert len(frozen) + len(checkpoint.held) >= 52 - 5
    assert len(checkpoint.held) <= HELD_VERDICTS
    assert checkpoint.count == len(events)


def test_verdicts_are_frozen_only_as_a_prefix_of_the_contacts() -> None:
    """A counted call recorded after its window's settlement stays live while its window is
    open; an uncounted contact after it must stay live too, or the two would be read back
    out of order."""
    program = make_program()
    late = datetime(2027, 1, 4, 12, tzinfo=UTC)
    events = [
        Event(
            event_id="inv",
            customer_id="c",
            type="invitation_accepted",
            occurred_at=datetime(2025, 1, 6, 9, tzinfo=UTC),
            recorded_at=late,
        ),
        Event(
            event_id="counted",
            customer_id="c",
            type="hotline_call",
            occurred_at=datetime(2025, 2, 3, 9, tzinfo=UTC),
            recorded_at=late,
            text="Frage zu meinem Tarif",
        ),
        Event(
            event_id="outbound",
            customer_id="c",
            type="hotline_call",
            occurred_at=datetime(2025, 3, 3, 9, tzinfo=UTC),
            recorded_at=late,
            direction="outbound",
        ),
    ]
    today = date(2027, 1, 4)
    folded = advance(program, Checkpoint(customer_id="c"), events, today)
    assert [c.event_id for c in folded.progress.calls] == ["counted", "outbound"]
    assert folded.frozen == ()
    reference = project(program, state_from_events("c", events), today)
    assert with_frozen(folded.progress, folded.frozen) == reference
