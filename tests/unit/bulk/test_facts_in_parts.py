"""A large input is evaluated in parts of whole customers (`run.PART_EVENTS`): the facts
file, the refused count and the text fallbacks are those of the same input in one piece.

The parts are cut by ranges of customer id from a sample, so a part boundary may fall
anywhere among the customers; every rule reads one customer's events, which is why the
result may not change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bulk.backends import Engine, connect
from selfcare.bulk.run import BulkRun, facts_path
from selfcare.domain.events import Event
from tests import strategies
from tests.builders import event
from tests.bulk_histories import PROGRAMS, as_of_days, batched, bulk_histories, raw_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def duckdb() -> Iterator[Engine]:
    engine = connect("duckdb", threads=2)
    yield engine
    engine.close()


def facts(
    engine: Engine, lake: Path, name: str, as_of: date, output: Path, *, part_events: int
) -> tuple[pa.Table, BulkRun]:
    run = BulkRun()
    facts_path(engine, lake, PROGRAMS[name], as_of, output, run=run, part_events=part_events)
    return pq.read_table(output), run


def one_piece_and_parts(
    engine: Engine, table: pa.Table, name: str, as_of: date, folder: Path, *, parts: int
) -> tuple[tuple[pa.Table, BulkRun], tuple[pa.Table, BulkRun]]:
    lake = folder / "events.parquet"
    pq.write_table(table, lake)
    whole = facts(engine, lake, name, as_of, folder / "whole.parquet", part_events=0)
    small = max(1, table.num_rows // parts)
    split = facts(engine, lake, name, as_of, folder / "parts.parquet", part_events=small)
    return whole, split


def same_run(whole: BulkRun, split: BulkRun) -> None:
    assert split.refused == whole.refused
    assert split.accepted == whole.accepted
    assert split.texts.as_json() == whole.texts.as_json()
    assert split.rows == whole.rows


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(PROGRAMS)),
    histories=st.lists(
        st.one_of(bulk_histories(max_customers=3), strategies.histories()), min_size=2, max_size=12
    ),
    as_of=as_of_days(),
    parts=st.integers(2, 3),
)
def test_parts_write_the_facts_of_one_piece(
    duckdb: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    name: str,
    histories: list[list[Event]],
    as_of: date,
    parts: int,
) -> None:
    folder = tmp_path_factory.mktemp("parts")
    (whole, whole_run), (split, split_run) = one_piece_and_parts(
        duckdb, raw_table(batched(histories)), name, as_of, folder, parts=parts
    )
    assert [(f.name, f.type) for f in split.schema] == [(f.name, f.type) for f in whole.schema]
    assert split.to_pylist() == whole.to_pylist()  # customer order kept across the parts
    same_run(whole_run, split_run)


def test_texts_are_classified_once_across_parts(duckdb: Engine, tmp_path: Path) -> None:
    """The same texts in every part: each distinct text is classified (and, where the SQL
    lexicon cannot decide, handed to Python) once in the whole run, as in one piece; an
    invalid row is refused once."""
    texts = ["Ich will nicht kündigen", "Kein Empfang seit gestern", "Frage zur Rechnung"]
    events = []
    for n in range(40):
        customer = f"c{n:03d}"
        events.append(event("invitation_accepted", "2025-06-02 09:00", customer, event_id=f"i{n}"))
        events += [
            event("hotline_call", f"2025-06-{10 + k} 10:00", customer, event_id=f"h{n}-{k}", text=t)
            for k, t in enumerate(texts)
        ]
    table = raw_table(events)
    unknown = table.slice(0, 1).set_column(2, "type", pa.array(["fax_received"]))
    lake = pa.concat_tables([table, unknown])
    (whole, whole_run), (split, split_run) = one_piece_and_parts(
        duckdb, lake, "real case", date(2025, 9, 30), tmp_path, parts=4
    )
    assert whole_run.refused == 1
    assert whole_run.parts == 1 < split_run.parts
    assert whole_run.texts.texts == len(texts)
    assert whole_run.texts.python >= 1  # the negation beside a match goes to Python
    same_run(whole_run, split_run)
    assert split.to_pylist() == whole.to_pylist()


def test_an_input_under_the_part_size_is_one_piece(duckdb: Engine, tmp_path: Path) -> None:
    """The default: a small input is written straight to the output, no parts folder left."""
    lake = tmp_path / "events.parquet"
    pq.write_table(raw_table([event("invitation_accepted", "2025-06-02 09:00", "c1")]), lake)
    table, run = facts(
        duckdb, lake, "real case", date(2025, 7, 1), tmp_path / "f.parquet", part_events=10
    )
    assert table.num_rows == run.rows > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet", "f.parquet"]
