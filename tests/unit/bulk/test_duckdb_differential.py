"""The DuckDB engine agrees with the reference evaluator, customer by customer.

Each example is a batch of drawn histories evaluated in one engine run (an engine run costs
seconds of query compilation, a customer almost nothing), so a few dozen runs check several
hundred customers at the calendar's and the rules' edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bulk.backends import Engine, connect
from selfcare.domain.events import Event
from tests import calendar_histories, strategies
from tests.bulk_histories import PROGRAMS, as_of_days, batched, bulk_histories
from tests.bulk_support import assert_agrees

pytestmark = pytest.mark.slow

programs = st.sampled_from(sorted(PROGRAMS))


def batches(histories: st.SearchStrategy[list[Event]], most: int) -> st.SearchStrategy[list[Event]]:
    return st.lists(histories, min_size=1, max_size=most).map(batched)


def runs(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture(scope="module")
def duckdb() -> Iterator[Engine]:
    engine = connect("duckdb", threads=2)
    yield engine
    engine.close()


@runs(8)
@given(name=programs, events=batches(bulk_histories(), 30), as_of=as_of_days())
def test_edge_histories_agree(duckdb: Engine, name: str, events: list[Event], as_of: date) -> None:
    assert_agrees(duckdb, PROGRAMS[name], events, as_of)


@runs(5)
@given(
    name=programs,
    events=batches(strategies.histories(), 30),
    as_of=strategies.as_of_days(),
)
def test_plausible_histories_agree(
    duckdb: Engine, name: str, events: list[Event], as_of: date
) -> None:
    assert_agrees(duckdb, PROGRAMS[name], events, as_of)


@runs(3)
@given(
    events=batches(calendar_histories.pass_histories(), 25),
    as_of=st.dates(date(2025, 1, 1), date(2027, 1, 1)),
)
def test_hotline_passes_across_dst_agree(duckdb: Engine, events: list[Event], as_of: date) -> None:
    assert_agrees(duckdb, PROGRAMS["real case"], events, as_of)


@runs(3)
@given(
    events=batches(calendar_histories.same_day_histories(), 25),
    as_of=st.dates(date(2025, 1, 1), date(2026, 6, 1)),
)
def test_same_day_grants_under_a_cap_agree(
    duckdb: Engine, events: list[Event], as_of: date
) -> None:
    assert_agrees(duckdb, PROGRAMS["real case"], events, as_of)
