"""Task rewards, caps, hotline passes and idempotency in the reference evaluator."""

from __future__ import annotations

from datetime import date

from selfcare.domain.evaluator import CustomerState, evaluate, state_from_events, step
from selfcare.domain.events import Event
from selfcare.domain.program import Cap, TaskReward
from selfcare.domain.progress import CustomerProgress
from tests.builders import call, enrolled, event, make_program


def one(events: list[Event], as_of: str, **program: object) -> CustomerProgress:
    return evaluate(make_program(**program), events, date.fromisoformat(as_of)).customers[0]


def test_each_task_is_paid_once_on_the_day_it_was_done() -> None:
    events = [
        enrolled("2025-05-31 10:00"),
        event("portal_registered", "2025-06-01 09:00"),
        event("portal_registered", "2025-06-05 09:00"),
        event("app_first_login", "2025-06-02 23:30"),
    ]
    customer = one(events, "2025-06-30")
    assert [(g.reward, g.amount_mb, g.granted_on, g.period) for g in customer.grants] == [
        ("portal_registration", 600, date(2025, 6, 1), "once"),
        ("app_install", 600, date(2025, 6, 2), "once"),
    ]
    assert customer.earned_mb == 1200


def test_tasks_done_before_enrollment_earn_nothing_unless_count_prior() -> None:
    events = [event("portal_registered", "2025-05-01 09:00"), enrolled("2025-05-31 10:00")]
    assert one(events, "2025-06-30").earned_mb == 0
    program = make_program()
    rewards = tuple(
        r.model_copy(update={"count_prior": True}) if r.kind == "task" else r
        for r in program.rewards
    )
    customer = evaluate(program.model_copy(update={"rewards": rewards}), events, date(2025, 6, 30))
    (grant,) = customer.customers[0].grants
    assert grant.granted_on == date(2025, 5, 31)  # paid on enrollment, not before


def test_monthly_tasks_pay_once_per_calendar_month() -> None:
    monthly = TaskReward(id="app_use", event="app_first_login", amount_mb=100, recurrence="monthly")
    events = [
        enrolled("2025-05-31 10:00"),
        event("app_first_login", "2025-06-01 09:00"),
        event("app_first_login", "2025-06-30 23:59"),
        event("app_first_login", "2025-07-01 00:01"),
    ]
    customer = one(events, "2025-07-31", rewards=(monthly,))
    assert [(g.period, g.granted_on) for g in customer.grants] == [
        ("2025-06", date(2025, 6, 1)),
        ("2025-07", date(2025, 7, 1)),
    ]


def test_a_task_recorded_late_is_paid_on_the_day_selfcare_learned_of_it() -> None:
    events = [
        enrolled(),
        event("portal_registered", "2025-06-01 09:00", recorded_at="2025-06-09 10:00"),
    ]
    (grant,) = one(events, "2025-06-30").grants
    assert grant.granted_on == date(2025, 6, 9)


def test_a_cap_holds_the_streak_bonus_until_the_next_month_with_room() -> None:
    events = [
        enrolled("2025-05-31 10:00"),
        event("portal_registered", "2026-03-01 09:00"),
        event("app_first_login", "2026-03-02 09:00"),
    ]
    before = one(events, "2026-03-31")
    assert before.earned_mb == 1200
    (held,) = before.pending
    assert (held.reward, held.reason, held.due_on) == (
        "nine_months_without_hotline",
        "cap_exceeded",
        date(2026, 4, 1),
    )
    after = one(events, "2026-04-01")
    assert after.earned_mb == 3000
    assert after.grants[-1].granted_on == date(2026, 4, 1)


def test_a_cap_without_carry_over_holds_the_grant_for_good_and_says_so() -> None:
    events = [
        enrolled(),
        event("portal_registered", "2025-06-01 09:00"),
        event("app_first_login", "2025-06-01 10:00"),
    ]
    customer = one(events, "2026-12-31", caps=(Cap(period="month", max_mb=1000, carry_over=False),))
    assert customer.earned_mb == 600
    assert [(h.reward, h.reason, h.due_on) for h in customer.pending] == [
        ("app_install", "cap_exceeded", None),  # 600 + 600 > 1000 in June
        ("nine_months_without_hotline", "cap_exceeded", None),  # 1800 never fits in 1000
    ]
    assert "1000 MB per month" in customer.pending[0].explanation


def test_a_call_within_the_hotline_pass_is_a_reception_problem_and_free() -> None:
    events = [
        enrolled(),
        event("speedcheck_deviation", "2025-07-01 20:00", event_id="check"),
        call("2025-07-15 19:59", text="Rechnungsfrage", event_id="inside"),
        call("2025-07-15 20:01", text="Rechnungsfrage", event_id="outside"),
    ]
    inside, outside = one(events, "2025-08-01").calls
    assert (inside.category, inside.counts, inside.rule) == (
        "reception_problem",
        False,
        "hotline_pass",
    )
    assert inside.matched == ("check",)
    assert outside.counts


def test_duplicate_event_ids_are_counted_once() -> None:
    twice = event("portal_registered", "2025-06-01 09:00", event_id="same")
    customer = one([enrolled(), twice, twice], "2025-06-30")
    assert customer.earned_mb == 600
    assert customer.conflicting_event_ids == ()


def test_a_conflicting_resend_keeps_the_first_known_version_and_reports_it() -> None:
    first = event("portal_registered", "2025-06-01 09:00", event_id="same")
    other = event(
        "app_first_login", "2025-06-01 09:00", event_id="same", recorded_at="2025-06-02 09:00"
    )
    for order in ([first, other], [other, first]):
        customer = one([enrolled(), *order], "2025-06-30")
        assert [g.reward for g in customer.grants] == ["portal_registration"]
        assert customer.conflicting_event_ids == ("same",)


def test_folding_step_by_step_equals_building_the_state_at_once() -> None:
    events = [enrolled(), event("portal_registered", "2025-06-01 09:00"), call("2025-07-01 10:00")]
    state = CustomerState(customer_id="c1")
    for e in reversed(events):
        state = step(state, e)
    assert state == state_from_events("c1", events)
    assert step(state, events[1]) is state


def test_customers_are_sorted_by_id() -> None:
    events = [enrolled(customer="b"), enrolled(customer="a"), enrolled(customer="c")]
    progress = evaluate(make_program(), events, date(2025, 6, 30))
    assert [c.customer_id for c in progress.customers] == ["a", "b", "c"]
