"""Same-day grants under a cap are paid in the order they fall due (DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings

from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.progress import CustomerProgress
from tests.builders import enrolled, event, make_program
from tests.calendar_histories import same_day_facts, same_day_histories

PROGRAM = make_program()  # 1,800 MB per calendar month, carried over
STREAK = "nine_months_without_hotline"
REWARD_OF = {r.event: r.id for r in PROGRAM.tasks}


def paid(customer: CustomerProgress) -> dict[str, date]:
    return {g.reward: g.granted_on for g in customer.grants}


def one(events: list[Event], as_of: str = "2026-12-31") -> CustomerProgress:
    return evaluate(PROGRAM, events, date.fromisoformat(as_of)).customers[0]


def test_a_streak_grant_due_at_midnight_goes_before_a_task_done_later_that_day() -> None:
    """Enrolled 31 May: the streak completes on 28 February and is paid on 3 March at 00:00;
    the app login that morning is held by the cap until April, as the live service did."""
    events = [enrolled("2025-05-31 10:00"), event("app_first_login", "2026-03-03 10:00")]
    customer = one(events)
    assert paid(customer) == {STREAK: date(2026, 3, 3), "app_install": date(2026, 4, 1)}
    on_the_day = one(events, "2026-03-03")
    assert paid(on_the_day) == {STREAK: date(2026, 3, 3)}
    assert [(p.reward, p.reason, p.due_on) for p in on_the_day.pending] == [
        ("app_install", "cap_exceeded", date(2026, 4, 1))
    ]
    # known at 00:00 it ties with the streak, and the program's reward order puts it first
    tie = [enrolled("2025-05-31 10:00"), event("app_first_login", "2026-03-03 00:00")]
    assert paid(one(tie)) == {"app_install": date(2026, 3, 3), STREAK: date(2026, 4, 1)}


def test_a_task_done_before_but_recorded_on_the_payment_day_falls_due_when_recorded() -> None:
    events = [
        enrolled("2025-05-31 10:00"),
        event("app_first_login", "2026-03-02 22:00", recorded_at="2026-03-03 08:00"),
    ]
    assert paid(one(events)) == {STREAK: date(2026, 3, 3), "app_install": date(2026, 4, 1)}


@settings(max_examples=200, deadline=None)
@given(events=same_day_histories())
def test_on_the_payment_day_the_streak_is_paid_first_unless_a_task_ties_at_midnight(
    events: list[Event],
) -> None:
    facts = same_day_facts(events)
    grants = paid(one(events, "2027-03-01"))
    tied = {REWARD_OF[kind] for kind in facts.tied_tasks}
    tasks = {REWARD_OF[e.type.value] for e in events if e.type.value in REWARD_OF}
    if tied:
        assert all(grants[reward] == facts.payment_day for reward in tied)
        assert grants[STREAK] > facts.payment_day
    else:
        assert grants[STREAK] == facts.payment_day
        assert all(grants[reward] > facts.payment_day for reward in tasks)
