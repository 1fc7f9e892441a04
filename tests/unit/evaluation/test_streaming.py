"""Streaming evaluation gives exactly the in-memory evaluator's answers, in bounded memory."""

from __future__ import annotations

import io
import json
import os
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.domain.evaluator import evaluate, project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import customer_to_json, progress_to_json
from selfcare.evaluation.grouping import by_customer, by_customer_as_json
from selfcare.evaluation.output import json_line, write_document, write_lines
from selfcare.evaluation.service import evaluate_stream
from selfcare.evaluation.workers import WorkerLost, projected_in_workers
from tests.builders import make_program
from tests.strategies import as_of_days, histories

EXAMPLES = Path(__file__).parents[3] / "examples"


@settings(max_examples=60, deadline=None)
@given(history=histories(max_customers=5), run=st.integers(1, 6), seed=st.integers(0, 99))
def test_grouping_by_customer_in_runs_keeps_every_event_of_every_customer(
    history: list[Event], run: int, seed: int
) -> None:
    shuffled = history[:]
    random.Random(seed).shuffle(shuffled)
    groups = list(by_customer(shuffled, run_events=run))
    assert [cid for cid, _ in groups] == sorted({e.customer_id for e in history})
    for cid, events in groups:
        assert sorted(e.model_dump_json() for e in events) == sorted(
            e.model_dump_json() for e in history if e.customer_id == cid
        )


@settings(max_examples=60, deadline=None)
@given(history=histories(max_customers=5), run=st.integers(1, 6), seed=st.integers(0, 99))
def test_events_sent_as_json_are_read_back_as_the_same_events_in_the_same_groups(
    history: list[Event], run: int, seed: int
) -> None:
    """Held in memory (one run) or spilled and merged (several), each event's JSON is read
    back as that event, in the customer's order that the events themselves come in."""
    shuffled = history[:]
    random.Random(seed).shuffle(shuffled)
    as_events = list(by_customer(shuffled, run_events=run))
    as_json = list(by_customer_as_json(shuffled, run_events=run))
    read_back = [(who, [Event.model_validate_json(e) for e in texts]) for who, texts in as_json]
    assert read_back == as_events


@settings(max_examples=40, deadline=None)
@given(history=histories(max_customers=4), as_of=as_of_days(), run=st.integers(1, 5))
def test_the_stream_prints_byte_for_byte_the_document_of_the_whole_evaluation(
    history: list[Event], as_of: date, run: int
) -> None:
    program = make_program()
    expected = json.dumps(
        progress_to_json(evaluate(program, history, as_of)), ensure_ascii=False, indent=2
    )
    out = io.StringIO()
    write_document(as_of, evaluate_stream(program, history, as_of, run_events=run), out)
    assert out.getvalue() == expected + "\n"


def test_a_document_without_customers_is_the_same_as_before() -> None:
    out = io.StringIO()
    write_document(date(2026, 3, 1), [], out)
    expected = json.dumps({"as_of": "2026-03-01", "customers": []}, indent=2)
    assert out.getvalue() == expected + "\n"


def test_json_lines_hold_one_customer_per_line() -> None:
    history = [
        Event.model_validate(row)
        for row in map(json.loads, (EXAMPLES / "events.jsonl").read_text().splitlines())
        if row
    ]
    program = make_program()
    progress = evaluate(program, history, date(2026, 3, 31))
    out = io.StringIO()
    write_lines(evaluate_stream(program, history, date(2026, 3, 31)), out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [customer_to_json(c) for c in progress.customers]


def test_the_command_writes_json_lines_and_reports_bad_rows_on_stderr(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    text = (EXAMPLES / "events.jsonl").read_text(encoding="utf-8")
    events.write_text(text + "{not json}\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["evaluate", "--events", str(events), "--as-of", "2026-03-31", "--format", "jsonl"]
    )
    assert result.exit_code == 0
    customers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["customer_id"] for c in customers] == sorted(c["customer_id"] for c in customers)
    assert "not valid JSON" in result.stderr


def test_strict_refuses_before_printing_a_single_customer(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    text = (EXAMPLES / "events.jsonl").read_text(encoding="utf-8")
    events.write_text(text + '{"event_id": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["evaluate", "--events", str(events), "--as-of", "2026-03-31", "--format", "json",
         "--strict"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nothing evaluated" in result.stderr


@settings(max_examples=4, deadline=None)
@given(history=histories(max_customers=6), as_of=as_of_days(), batch=st.integers(1, 3))
def test_workers_answer_what_one_process_answers_in_the_same_order(
    history: list[Event], as_of: date, batch: int
) -> None:
    """Batches of one to three customers in two processes, several in flight: the answers
    come back in customer order, each equal to the one this process projects."""
    program = make_program()
    groups = list(by_customer(history))
    here = [project(program, state_from_events(who, events), as_of) for who, events in groups]
    sent = by_customer_as_json(history)
    there = projected_in_workers(program, sent, as_of, workers=2, render=json_line, batch=batch)
    assert list(there) == [json_line(c) for c in here]


@pytest.mark.parametrize("written", ["json", "jsonl", "table"])
def test_the_command_with_two_workers_prints_the_same(tmp_path: Path, written: str) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text((EXAMPLES / "events.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    command = ["evaluate", "--events", str(events), "--as-of", "2026-03-31", "--format", written]
    one = CliRunner().invoke(app, command)
    two = CliRunner().invoke(app, [*command, "--workers", "2"])
    assert one.exit_code == two.exit_code == 0
    assert two.stdout == one.stdout


def test_workers_are_for_the_reference_engine_only() -> None:
    command = ["evaluate", "--events", str(EXAMPLES / "events.jsonl"), "--as-of", "2026-03-31"]
    outcome = CliRunner().invoke(app, [*command, "--engine", "duckdb", "--workers", "2"])
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        "--workers: only with --engine python (the bulk engines use their own threads)\n"
    )


class _DiesInTheWorker:
    """Unpickled in a worker, it ends that process at once, as an out-of-memory kill would."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (os._exit, (1,))


def test_a_worker_that_dies_stops_the_run_with_one_message() -> None:
    groups: list[tuple[str, list[str]]] = [("c1", [])]
    dies: Program = _DiesInTheWorker()  # type: ignore[assignment]
    with pytest.raises(WorkerLost, match="a worker process ended abruptly"):
        list(projected_in_workers(dies, groups, date(2026, 3, 31), workers=2, render=json_line))
