"""The no-hotline streak: calendar months, clamping, DST, late calls, restart and forfeit."""

from __future__ import annotations

from datetime import date

from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.progress import CustomerProgress, StreakStatus
from tests.builders import call, enrolled, event, make_program

NINE_MONTHS = "nine_months_without_hotline"


def one(events: list[Event], as_of: str, **program: object) -> CustomerProgress:
    progress = evaluate(make_program(**program), events, date.fromisoformat(as_of))
    assert len(progress.customers) == 1
    return progress.customers[0]


def streak_grants(customer: CustomerProgress) -> list[tuple[str, date, str]]:
    return [(g.period, g.granted_on, g.reward) for g in customer.grants if g.reward == NINE_MONTHS]


def test_enrollment_on_31_may_completes_on_the_last_day_of_february() -> None:
    customer = one([enrolled("2025-05-31 10:00")], "2026-02-28")
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.COMPLETED
    assert customer.streak.completes_on == date(2026, 2, 28)
    assert customer.pending[0].due_on == date(2026, 3, 3)  # three days' settlement grace


def test_the_streak_bonus_is_granted_after_the_settlement_grace() -> None:
    customer = one([enrolled("2025-05-31 10:00")], "2026-03-03")
    assert streak_grants(customer) == [("2025-05-31", date(2026, 3, 3), NINE_MONTHS)]
    assert customer.earned_mb == 1800


def test_the_day_before_the_grace_ends_nothing_is_granted_yet() -> None:
    customer = one([enrolled("2025-05-31 10:00")], "2026-03-02")
    assert customer.earned_mb == 0
    assert [p.reason for p in customer.pending] == ["settlement_pending"]


def test_a_counted_call_on_the_last_day_of_the_window_breaks_it() -> None:
    breaker = call("2026-02-27 23:59", event_id="late-night")
    customer = one([enrolled("2025-05-31 10:00"), breaker], "2026-06-01")
    assert customer.streak is not None
    assert customer.streak.broken_by == "late-night"
    assert customer.streak.window_start == date(2026, 2, 28)  # restart the day after the call
    assert customer.streak.status is StreakStatus.RUNNING
    assert customer.earned_mb == 0


def test_a_call_on_the_completion_day_does_not_break_the_window() -> None:
    customer = one([enrolled("2025-05-31 10:00"), call("2026-02-28 00:00")], "2026-03-03")
    assert customer.earned_mb == 1800


def test_a_late_call_inside_the_window_recorded_within_grace_still_breaks_it() -> None:
    late = call("2026-02-20 12:00", recorded_at="2026-03-02 18:00", event_id="late")
    customer = one([enrolled("2025-05-31 10:00"), late], "2026-04-01")
    assert customer.earned_mb == 0
    assert customer.streak is not None
    assert customer.streak.broken_by == "late"


def test_a_call_recorded_after_the_grace_does_not_claw_back_the_bonus() -> None:
    late = call("2026-02-20 12:00", recorded_at="2026-03-03 00:00", event_id="too-late")
    customer = one([enrolled("2025-05-31 10:00"), late], "2026-04-01")
    assert customer.earned_mb == 1800
    (verdict,) = customer.calls
    assert verdict.counts
    assert "reconciliation" in verdict.explanation


def test_before_the_late_call_is_known_the_window_looks_complete() -> None:
    late = call("2026-02-20 12:00", recorded_at="2026-03-02 18:00")
    customer = one([enrolled("2025-05-31 10:00"), late], "2026-03-01")
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.COMPLETED
    assert customer.calls == ()


def test_a_window_across_the_march_dst_change_ends_at_local_midnight() -> None:
    start = enrolled("2025-03-29 10:00")
    program = {"streak": {"months": 1}}
    just_inside = one([start, call("2025-04-28 23:30")], "2025-06-30", **program)
    just_outside = one([start, call("2025-04-29 00:30")], "2025-06-30", **program)
    assert just_inside.streak is not None
    assert just_inside.streak.broken_by is not None
    assert streak_grants(just_outside) == [("2025-03-29", date(2025, 5, 2), NINE_MONTHS)]


def test_a_window_across_the_october_dst_change_ends_at_local_midnight() -> None:
    start = enrolled("2025-10-25 10:00")
    program = {"streak": {"months": 1}}
    inside = one([start, call("2025-11-24 23:50")], "2025-12-31", **program)
    outside = one([start, call("2025-11-25 00:05")], "2025-12-31", **program)
    assert inside.streak is not None
    assert inside.streak.broken_by is not None
    assert outside.streak is not None
    assert outside.streak.completes_on == date(2025, 11, 25)
    assert outside.earned_mb == 1800


def test_exempt_and_outbound_calls_do_not_break_the_streak() -> None:
    events = [
        enrolled("2025-05-31 10:00"),
        call("2025-07-01 10:00", text="", reason_code="VVL"),
        call("2025-08-01 10:00", direction="outbound"),
        call("2025-09-01 10:00", reached_agent=False),
        event("chat_contact", "2025-10-01 10:00", text="Frage zur Rechnung"),
    ]
    customer = one(events, "2026-03-03")
    assert customer.earned_mb == 1800
    assert [c.counts for c in customer.calls] == [False, False, False, False]
    assert [c.rule for c in customer.calls] == [
        "reason_code",
        "outbound",
        "not_reached_agent",
        "channel_not_counted",
    ]


def test_unanswered_calls_count_when_the_program_says_so() -> None:
    program = make_program()
    rules = program.calls.model_copy(update={"count_unanswered": True})
    events = [enrolled(), call("2025-09-01 10:00", reached_agent=False)]
    customer = evaluate(program.model_copy(update={"calls": rules}), events, date(2026, 3, 3))
    assert customer.customers[0].calls[0].counts


def test_forfeit_loses_the_bonus_after_a_counted_call() -> None:
    events = [enrolled(), call("2025-07-01 10:00", event_id="x")]
    customer = one(events, "2027-01-01", streak={"on_break": "forfeit"})
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.FORFEITED
    assert customer.earned_mb == 0


def test_restart_begins_a_new_window_the_day_after_the_breaking_call() -> None:
    events = [enrolled(), call("2025-07-01 10:00")]
    customer = one(events, "2026-04-04")
    assert streak_grants(customer) == []
    assert customer.streak is not None
    assert customer.streak.window_start == date(2025, 7, 2)
    assert customer.streak.completes_on == date(2026, 4, 2)
    assert [p.due_on for p in customer.pending] == [date(2026, 4, 5)]


def test_a_breaking_call_on_the_as_of_day_shows_the_streak_broken() -> None:
    customer = one([enrolled(), call("2025-07-01 10:00", event_id="today")], "2025-07-01")
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.BROKEN
    assert customer.streak.window_start == date(2025, 7, 2)


def test_rolling_streaks_pay_each_completed_window() -> None:
    events = [enrolled("2025-01-15 10:00")]
    customer = one(events, "2025-04-30", streak={"months": 1, "recurrence": "rolling"})
    assert streak_grants(customer) == [
        ("2025-01-15", date(2025, 2, 18), NINE_MONTHS),
        ("2025-02-15", date(2025, 3, 18), NINE_MONTHS),
        ("2025-03-15", date(2025, 4, 18), NINE_MONTHS),
    ]
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.RUNNING
    assert customer.streak.completed_windows == 3


def test_a_contract_ending_forfeits_the_running_window() -> None:
    events = [enrolled(), event("contract_ended", "2025-12-01 10:00")]
    customer = one(events, "2026-06-01")
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.FORFEITED
    assert customer.earned_mb == 0


def test_calls_before_enrollment_do_not_count() -> None:
    events = [call("2025-05-30 10:00"), enrolled("2025-05-31 10:00")]
    customer = one(events, "2026-03-03")
    assert customer.earned_mb == 1800
    assert customer.calls[0].rule == "before_enrollment"


def test_customers_without_enrollment_earn_nothing() -> None:
    customer = one([event("portal_registered", "2025-06-01 10:00")], "2026-06-01")
    assert customer.earned_mb == 0
    assert customer.streak is not None
    assert customer.streak.status is StreakStatus.NOT_ENROLLED
