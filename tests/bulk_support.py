"""Running the bulk engine on generated histories and comparing it with the reference."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow.parquet as pq

from selfcare.bulk.backends import Engine
from selfcare.bulk.facts import FACTS_SCHEMA, progress_facts
from selfcare.bulk.run import evaluate_table, facts_path
from selfcare.bulk.source import normalise
from selfcare.domain.evaluator import evaluate
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress, progress_to_json
from selfcare.evaluation.output import write_document
from tests.bulk_histories import raw_table


def bulk(
    engine: Engine, program: Program, events: list[Event], as_of: date
) -> list[CustomerProgress]:
    """The engine's answer for events handed over as an input file would have them."""
    table = ibis.memtable(raw_table(events))
    return list(evaluate_table(engine, normalise(table).events, program, as_of))


def assert_agrees(engine: Engine, program: Program, events: list[Event], as_of: date) -> None:
    """Customer by customer equal to the reference, and the JSON document byte for byte."""
    reference = evaluate(program, events, as_of)
    answer = bulk(engine, program, events, as_of)
    assert [c.customer_id for c in answer] == [c.customer_id for c in reference.customers]
    for mine, theirs in zip(answer, reference.customers, strict=True):
        assert mine == theirs, mine.customer_id
    printed = io.StringIO()
    write_document(as_of, answer, printed)
    expected = json.dumps(progress_to_json(reference), ensure_ascii=False, indent=2) + "\n"
    assert printed.getvalue() == expected


def engine_facts(
    engine: Engine, program: Program, events: list[Event], as_of: date, folder: Path
) -> list[dict[str, Any]]:
    """The facts the engine writes to Parquet (`--output`), read back row by row."""
    lake = folder / "events.parquet"
    pq.write_table(raw_table(events), lake)
    output = folder / "facts.parquet"
    facts_path(engine, lake, program, as_of, output)
    table = pq.ParquetDataset(output).read()
    assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in FACTS_SCHEMA]
    return table.to_pylist()  # type: ignore[no-any-return]


def assert_facts_agree(
    engine: Engine, program: Program, events: list[Event], as_of: date, folder: Path
) -> None:
    """The engine's Parquet facts, row by row, equal those of the reference's results."""
    reference = evaluate(program, events, as_of)
    expected = [row for c in reference.customers for row in progress_facts(program, c)]
    rows = engine_facts(engine, program, events, as_of, folder)
    rows.sort(key=lambda row: (row["customer_id"], _reward_order(program, row["reward"])))
    assert [(r["customer_id"], r["reward"]) for r in rows] == [
        (r["customer_id"], r["reward"]) for r in expected
    ]
    for mine, theirs in zip(rows, expected, strict=True):
        assert mine == theirs, (mine["customer_id"], mine["reward"])


def _reward_order(program: Program, reward: str) -> int:
    return [r.id for r in program.rewards].index(reward)
