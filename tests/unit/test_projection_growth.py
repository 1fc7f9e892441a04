"""Projecting one customer grows linearly with their events: operations counted, not time.

A customer with years of history (thousands of calls and speed checks) must not cost more
per event than a new one. The count is of Python function calls made while projecting (a
profile hook), which does not depend on the machine's load; a quadratic step, such as
checking every diagnosis for every call, multiplies it by ten when the history grows tenfold
instead of by about ten.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from types import FrameType
from typing import Any

from selfcare.domain import calls
from selfcare.domain.evaluator import project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.incremental import Checkpoint, advance, rebuild
from tests.builders import make_program

START = datetime(2024, 1, 1, 8, tzinfo=UTC)
TEXTS = ("Frage zu meiner Rechnung", "Ich habe kein Netz", "Wann kommt mein Paket", "Hallo")


def history(size: int) -> list[Event]:
    """Enrollment, then calls and now and then a speed-check deviation, hours apart."""
    events = [Event(event_id="e0", customer_id="c", type="invitation_accepted", occurred_at=START)]
    for n in range(1, size):
        moment = START + timedelta(hours=7 * n)
        if n % 5 == 0:
            events.append(
                Event(
                    event_id=f"e{n}",
                    customer_id="c",
                    type="speedcheck_deviation",
                    occurred_at=moment,
                )
            )
        else:
            events.append(
                Event(
                    event_id=f"e{n}",
                    customer_id="c",
                    type="hotline_call",
                    occurred_at=moment,
                    text=TEXTS[n % len(TEXTS)],
                )
            )
    return events


def operations(size: int) -> int:
    """Function calls (Python and C) made while projecting one customer of `size` events."""
    program = make_program()
    state = state_from_events("c", history(size))
    as_of = (START + timedelta(hours=7 * size)).date() + timedelta(days=1)
    calls._classify.cache_clear()  # the count must not depend on what earlier tests read
    count = 0

    def hook(_frame: FrameType, event: str, _arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(hook)
    try:
        project(program, state, max(as_of, date(2024, 1, 2)))
    finally:
        sys.setprofile(None)
    return count


def test_projecting_a_customer_costs_the_same_per_event_from_ten_to_ten_thousand_events() -> None:
    counted = {size: operations(size) for size in (10, 100, 1_000, 10_000)}
    per_event = {size: counted[size] / size for size in counted}
    for small, large in ((100, 1_000), (1_000, 10_000)):
        growth = counted[large] / counted[small]
        assert growth < 12, f"{small} -> {large} events: {growth:.1f}x the operations"
    assert per_event[10_000] <= 2 * per_event[10], per_event


def folding_cost(size: int, arrivals: int = 10) -> tuple[float, int]:
    """Function calls per arriving event, and the stored checkpoint's size (characters),
    when `arrivals` more events are folded one at a time onto the checkpoint of a customer
    with `size` events: read the stored checkpoint, fold, write it and the frozen verdicts."""
    program = make_program()
    events = history(size + arrivals)
    day = events[-1].occurred_at.date() + timedelta(days=1)
    text = rebuild(program, "c", events[:size], day).checkpoint.model_dump_json()
    calls._classify.cache_clear()
    count = 0

    def hook(_frame: FrameType, event: str, _arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(hook)
    try:
        for arriving in events[size:]:
            folded = advance(program, Checkpoint.model_validate_json(text), [arriving], day)
            text = folded.checkpoint.model_dump_json()
            _ = [verdict.model_dump_json() for verdict in folded.frozen]
    finally:
        sys.setprofile(None)
    return count / arrivals, len(text)


def test_one_more_event_costs_the_same_with_ten_or_ten_thousand_before_it() -> None:
    """The incremental projection: the next event reads and writes the checkpoint (what the
    next event needs), not the history; its cost stays within 2x of a customer with 10."""
    measured = {size: folding_cost(size) for size in (10, 100, 1_000, 10_000)}
    per_event = {size: cost for size, (cost, _) in measured.items()}
    stored = {size: length for size, (_, length) in measured.items()}
    assert per_event[10_000] <= 2 * per_event[10], per_event
    assert per_event[10_000] <= 1.1 * per_event[1_000], per_event
    assert stored[10_000] <= 1.1 * stored[1_000], stored
