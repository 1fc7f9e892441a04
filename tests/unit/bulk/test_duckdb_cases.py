"""Hand-made histories for the streak's rarer turns, checked in one DuckDB run against the
reference: a call recorded after its window was settled, a break whose next window starts
after as_of, a forfeit, a contract end inside a window."""

from __future__ import annotations

from datetime import date

import pytest

from selfcare.bulk.backends import connect
from selfcare.domain.evaluator import evaluate
from selfcare.domain.progress import StreakStatus
from tests.builders import call, enrolled, event, make_program
from tests.bulk_support import assert_agrees

pytestmark = pytest.mark.slow

HISTORY = [
    # settled on 2026-03-03; a call inside the window recorded only on 2026-03-10
    enrolled("2025-05-31 10:00", customer="late"),
    call("2026-02-27 11:00", customer="late", recorded_at="2026-03-10 09:00", event_id="l1"),
    # broken on as_of: the next window starts the day after
    enrolled("2025-05-31 10:00", customer="restart"),
    call("2026-01-10 11:00", customer="restart", event_id="r1"),
    # the contract ends inside the window
    enrolled("2025-05-31 10:00", customer="ended"),
    event("contract_ended", "2025-09-01 12:00", customer="ended", event_id="x1"),
]
AS_OF = date(2026, 1, 10)


def test_rare_streak_turns_agree() -> None:
    program = make_program()
    engine = connect("duckdb")
    try:
        for day in (AS_OF, date(2026, 3, 20)):
            assert_agrees(engine, program, HISTORY, day)
        assert_agrees(engine, make_program(streak={"on_break": "forfeit"}), HISTORY, AS_OF)
    finally:
        engine.close()
    statuses = {
        c.customer_id: c.streaks[0].status for c in evaluate(program, HISTORY, AS_OF).customers
    }
    assert statuses == {
        "late": StreakStatus.RUNNING,
        "restart": StreakStatus.BROKEN,
        "ended": StreakStatus.FORFEITED,
    }
    later = evaluate(program, HISTORY, date(2026, 3, 20)).customers
    late = next(c for c in later if c.customer_id == "late")
    assert "Recorded only after" in late.calls[0].explanation
