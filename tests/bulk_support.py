"""Running the bulk engine on generated histories and comparing it with the reference."""

from __future__ import annotations

import io
import json
from datetime import date

import ibis

from selfcare.bulk.backends import Engine
from selfcare.bulk.run import evaluate_table
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
