"""The facts DuckDB writes to Parquet (`--output`) equal those of the reference's results.

The facts path computes everything in SQL, caps included (a running sum proves most
customers never reach one; the others are paid in the reference's greedy order, one grant
per customer per round), so these tests are what holds it to `domain/caps.py`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bulk.backends import Engine, connect
from selfcare.bulk.run import BulkRun, facts_path
from selfcare.domain.events import Event
from tests import calendar_histories, strategies
from tests.builders import event
from tests.bulk_histories import PROGRAMS, as_of_days, batched, bulk_histories, raw_table
from tests.bulk_support import assert_facts_agree

pytestmark = pytest.mark.slow

programs = st.sampled_from(sorted(PROGRAMS))


def runs(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def batches(histories: st.SearchStrategy[list[Event]], most: int) -> st.SearchStrategy[list[Event]]:
    return st.lists(histories, min_size=1, max_size=most).map(batched)


@pytest.fixture(scope="module")
def duckdb() -> Iterator[Engine]:
    engine = connect("duckdb", threads=2)
    yield engine
    engine.close()


def agree(engine: Engine, name: str, events: list[Event], as_of: date) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert_facts_agree(engine, PROGRAMS[name], events, as_of, Path(folder))


@runs(8)
@given(name=programs, events=batches(bulk_histories(), 30), as_of=as_of_days())
def test_edge_histories_facts_agree(
    duckdb: Engine, name: str, events: list[Event], as_of: date
) -> None:
    agree(duckdb, name, events, as_of)


@runs(5)
@given(name=programs, events=batches(strategies.histories(), 30), as_of=strategies.as_of_days())
def test_plausible_histories_facts_agree(
    duckdb: Engine, name: str, events: list[Event], as_of: date
) -> None:
    agree(duckdb, name, events, as_of)


@runs(4)
@given(
    name=st.sampled_from(["real case", "tight caps, one for the whole program"]),
    events=batches(calendar_histories.same_day_histories(), 25),
    as_of=st.dates(date(2025, 1, 1), date(2026, 6, 1)),
)
def test_same_day_grants_under_caps_facts_agree(
    duckdb: Engine, name: str, events: list[Event], as_of: date
) -> None:
    agree(duckdb, name, events, as_of)


def test_a_cap_moves_the_third_bonus_of_a_day_in_sql(duckdb: Engine, tmp_path: Path) -> None:
    """Three 600 MB bonuses on one day under 1300 MB a month: the engine's greedy rounds
    pay two and move the third to the next month's first day, as `apply_caps` does."""
    events = [
        event("invitation_accepted", "2025-06-10 09:00", event_id="i"),
        event("portal_registered", "2025-06-10 10:00", event_id="p"),
        event("app_first_login", "2025-06-10 11:00", event_id="a"),
        event("bill_video_completed", "2025-06-10 12:00", event_id="b"),
    ]
    name = "tight caps, one for the whole program"
    run = BulkRun()
    lake = tmp_path / "events.parquet"
    pq.write_table(raw_table(events), lake)
    facts_path(duckdb, lake, PROGRAMS[name], date(2025, 6, 30), tmp_path / "f.parquet", run=run)
    assert run.cap_rounds > 0
    lines = [r["lines"] for r in pq.read_table(tmp_path / "f.parquet").to_pylist()]
    assert {"period": "once", "amount_mb": 600, "on": date(2025, 7, 1)} | {
        "state": "pending",
        "reason": "cap_exceeded",
    } in [line for rows in lines for line in rows]
    agree(duckdb, name, events, date(2025, 6, 30))
    agree(duckdb, name, events, date(2025, 7, 1))
