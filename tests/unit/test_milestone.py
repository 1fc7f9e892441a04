"""The next milestone shown with a customer's progress: hand-computed dates."""

from __future__ import annotations

from datetime import date

from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.milestone import Milestone, next_milestone
from selfcare.domain.program import Program
from tests.builders import call, enrolled, event, make_program


def milestone(program: Program, events: list[Event], as_of: str) -> Milestone | None:
    progress = evaluate(program, events, date.fromisoformat(as_of)).customers[0]
    return next_milestone(program, progress)


def test_a_running_streak_from_31_may_is_next_on_the_last_day_of_february() -> None:
    program = make_program()
    history = [
        enrolled("2025-05-31 10:00"),
        event("portal_registered", "2025-06-01 10:00"),
        event("app_first_login", "2025-06-01 11:00"),
        event("bill_video_completed", "2025-06-01 12:00"),
    ]
    found = milestone(program, history, "2025-06-10")
    assert found is not None
    assert (found.kind, found.reward, found.amount_mb, found.on) == (
        "streak_completes",
        "nine_months_without_hotline",
        1800,
        date(2026, 2, 28),
    )


def test_a_completed_streak_is_next_when_its_settlement_grace_has_passed() -> None:
    # Completed on 28 Feb 2026; three days' settlement grace: paid on 3 Mar 2026.
    found = milestone(make_program(), [enrolled("2025-05-31 10:00")], "2026-03-01")
    assert found is not None
    assert (found.kind, found.on, found.amount_mb) == ("grant_due", date(2026, 3, 3), 1800)


def test_without_a_dated_milestone_the_first_undone_task_is_next() -> None:
    program = make_program(streak={"on_break": "forfeit"})
    history = [enrolled("2025-05-31 10:00"), call("2025-06-05 09:00")]
    found = milestone(program, history, "2025-06-10")
    assert found is not None
    assert (found.kind, found.reward, found.on) == ("task_open", "portal_registration", None)
    assert found.to_json()["on"] is None


def test_a_customer_who_never_accepted_the_invitation_has_no_milestone() -> None:
    history = [event("portal_registered", "2025-06-01 10:00")]
    assert milestone(make_program(), history, "2025-06-10") is None
