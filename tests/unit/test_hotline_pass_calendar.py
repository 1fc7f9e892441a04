"""The hotline pass is measured in calendar days of the program's time zone (DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings

from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import DIAGNOSIS_TYPES, Event
from tests.builders import make_program
from tests.calendar_histories import BERLIN, covered, pass_end, pass_histories

PROGRAM = make_program()
LONG_AFTER = date(2027, 3, 1)


def history(diagnosis: str, call: str) -> list[Event]:
    """Enrolled 2023-05-31; one speed-check deviation and one call about the bill."""

    def at(kind: str, event_id: str, when: str, **fields: object) -> Event:
        return Event(
            event_id=event_id,
            customer_id="c1",
            type=kind,
            occurred_at=datetime.fromisoformat(when),
            **fields,
        )

    return [
        at("invitation_accepted", "inv", "2023-05-31T10:00:00+02:00"),
        at("speedcheck_deviation", "check", diagnosis),
        at("hotline_call", "call", call, text="Frage zu meiner Rechnung"),
    ]


def the_call(events: list[Event], as_of: date = date(2023, 12, 31)) -> tuple[bool, str, str]:
    customer = evaluate(PROGRAM, events, as_of).customers[0]
    (result,) = customer.calls
    return result.counts, result.rule, result.explanation


def test_a_call_on_day_13_after_the_october_change_is_inside_the_pass() -> None:
    counts, rule, explanation = the_call(
        history("2023-10-20T00:30:00+02:00", "2023-11-02T23:59:00+01:00")
    )
    assert (counts, rule) == (False, "hotline_pass")
    assert "covers calls until 2023-11-03 00:30 (Europe/Berlin time" in explanation
    assert "on 2023-10-20 00:30" in explanation


def test_the_october_pass_ends_at_the_diagnosis_clock_time_not_24_hours_blocks_later() -> None:
    inside = the_call(history("2023-10-20T00:30:00+02:00", "2023-11-03T00:30:00+01:00"))
    outside = the_call(history("2023-10-20T00:30:00+02:00", "2023-11-03T00:31:00+01:00"))
    assert (inside[0], outside[0]) == (False, True)


def test_a_call_on_day_15_after_the_march_change_is_outside_the_pass() -> None:
    """The reverse case: 14 × 24 hours would reach 00:30 on day 15 in summer time."""
    events = history("2024-03-17T23:30:00+01:00", "2024-04-01T00:15:00+02:00")
    counts, rule, _ = the_call(events, date(2024, 4, 30))
    assert (counts, rule) == (True, "fallback")
    last = history("2024-03-17T23:30:00+01:00", "2024-03-31T23:30:00+02:00")
    counts, rule, explanation = the_call(last, date(2024, 4, 30))
    assert (counts, rule) == (False, "hotline_pass")
    assert "covers calls until 2024-03-31 23:30 (Europe/Berlin time, 14 calendar days" in (
        explanation
    )


def test_a_pass_ending_in_the_skipped_hour_ends_as_long_after_the_change() -> None:
    """02:30 does not exist on 30 March 2025: the pass ends at 03:30 summer time."""
    events = history("2025-03-16T02:30:00+01:00", "2025-03-30T03:30:00+02:00")
    counts, _, explanation = the_call(events, date(2025, 4, 30))
    assert counts is False
    assert "until 2025-03-30 03:30 (Europe/Berlin time" in explanation
    later = history("2025-03-16T02:30:00+01:00", "2025-03-30T03:31:00+02:00")
    assert the_call(later, date(2025, 4, 30))[0] is True


@settings(max_examples=300, deadline=None)
@given(events=pass_histories())
def test_a_call_counts_exactly_when_no_diagnosis_passes_it_by_the_calendar(
    events: list[Event],
) -> None:
    """Diagnoses and calls 13 to 15 calendar days apart at all hours, across both DST
    changes: the verdict follows the wall-clock rule and names the pass's local end."""
    progress = evaluate(PROGRAM, events, LONG_AFTER)
    by_id = {e.event_id: e for e in events}
    for customer in progress.customers:
        diagnoses = [
            e.occurred_at
            for e in events
            if e.customer_id == customer.customer_id and e.type in DIAGNOSIS_TYPES
        ]
        for result in customer.calls:
            call = by_id[result.event_id].occurred_at
            assert result.counts is not covered(call, diagnoses), result.explanation
            if not result.counts:
                ends = {f"{pass_end(d).astimezone(BERLIN):%Y-%m-%d %H:%M}" for d in diagnoses}
                assert any(f"until {end} " in result.explanation for end in ends)
