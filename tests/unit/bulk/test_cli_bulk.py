"""`selfcare evaluate --engine duckdb` as scripts use it: byte for byte the python engine's
output, from JSON Lines, CSV, a Parquet file and a partitioned Parquet lake; Parquet results;
invalid rows counted; wrong combinations refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from selfcare.bulk.facts import FACTS_SCHEMA
from selfcare.cli import app
from selfcare.ingest.event_files import read_events
from tests.bulk_histories import raw_table

EXAMPLES = Path(__file__).parents[3] / "examples"
AS_OF = "2026-03-31"
runner = CliRunner()

pytestmark = pytest.mark.slow


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def evaluate(events: Path, engine: str, *more: str) -> str:
    code, out, err = run(
        "evaluate", "--events", str(events), "--as-of", AS_OF, "--format", "json",
        "--engine", engine, *more,
    )  # fmt: skip
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def reference() -> str:
    return evaluate(EXAMPLES / "events.jsonl", "python")


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return raw_table(read_events(EXAMPLES / "events.jsonl").events)


def test_json_lines_give_the_python_engines_bytes(reference: str) -> None:
    assert evaluate(EXAMPLES / "events.jsonl", "duckdb") == reference


def test_csv_gives_the_same_bytes(reference: str, table: pa.Table, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    pacsv.write_csv(table, path)
    assert evaluate(path, "duckdb") == evaluate(path, "python") == reference


def test_a_parquet_file_and_a_partitioned_lake_give_the_same_bytes(
    reference: str, table: pa.Table, tmp_path: Path
) -> None:
    single = tmp_path / "events.parquet"
    pq.write_table(table, single)
    assert evaluate(single, "duckdb") == reference
    lake = tmp_path / "lake"
    month = pa.compute.utf8_slice_codeunits(table.column("occurred_at"), 0, 7)
    pq.write_to_dataset(table.append_column("month", month), lake, partition_cols=["month"])
    assert len(list(lake.iterdir())) > 1
    assert evaluate(lake, "duckdb") == reference


def test_facts_as_parquet_equal_the_python_engines(reference: str, tmp_path: Path) -> None:
    mine, theirs = tmp_path / "duckdb.parquet", tmp_path / "python.parquet"
    assert evaluate(EXAMPLES / "events.jsonl", "duckdb", "--output", str(mine)) == reference
    evaluate(EXAMPLES / "events.jsonl", "python", "--output", str(theirs))
    order = [("customer_id", "ascending"), ("reward", "ascending")]
    written = pq.read_table(mine).sort_by(order)
    assert written.num_rows == 4 * len(json.loads(reference)["customers"])
    assert written.schema.types == FACTS_SCHEMA.types
    assert written.to_pylist() == pq.read_table(theirs).sort_by(order).to_pylist()


def test_the_nightly_run_writes_only_the_facts(tmp_path: Path) -> None:
    facts = tmp_path / "facts.parquet"
    code, out, _ = run(
        "evaluate",
        *("--events", str(EXAMPLES / "events.jsonl"), "--as-of", AS_OF),
        *("--engine", "duckdb", "--format", "none", "--output", str(facts)),
    )
    assert (code, out) == (0, "")
    states = pq.read_table(facts).column("state").to_pylist()
    assert {"earned", "not_yet"} <= set(states)


def test_invalid_rows_are_counted_and_strict_refuses(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    good = (EXAMPLES / "events.jsonl").read_text(encoding="utf-8")
    bad = (
        '{"event_id": "x", "customer_id": "c", "type": "nonsense", '
        '"occurred_at": "2025-06-01T10:00:00Z"}\n'
    )
    path.write_text(good + bad, encoding="utf-8")
    code, _, err = run(
        "evaluate",
        "--events",
        str(path),
        "--as-of",
        AS_OF,
        "--engine",
        "duckdb",
        "--format",
        "jsonl",
    )
    assert code == 0
    assert "skipped: 1 invalid row(s)" in err
    code, _, err = run(
        "evaluate", "--events", str(path), "--as-of", AS_OF, "--engine", "duckdb", "--strict"
    )
    assert code == 2
    assert err.strip().endswith("1 invalid row(s); nothing evaluated (--strict)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--engine", "duckdb", "--spark-master", "spark://h:7077"),
            "--spark-master: only with --engine spark",
        ),
        (("--output", "results.csv"), "must end in .parquet"),
        (("--engine", "oracle"), "oracle"),
    ],
)
def test_wrong_combinations_are_refused_in_one_line(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(
        "evaluate", "--events", str(EXAMPLES / "events.jsonl"), "--as-of", AS_OF, *args
    )
    assert code == 2
    assert message in err


def test_texts_classified_in_python_are_reported_on_stderr_only(tmp_path: Path) -> None:
    """A negation beside a lexicon match is decided by the Python classifier: the bulk
    engine says so in one stderr line, and stdout stays the python engine's bytes."""
    path = tmp_path / "events.jsonl"
    negated = (
        '{"event_id": "neg-1", "customer_id": "anna", "type": "hotline_call", '
        '"occurred_at": "2025-12-01T10:00:00+01:00", "text": "Ich will nicht kündigen"}\n'
    )
    path.write_text((EXAMPLES / "events.jsonl").read_text(encoding="utf-8") + negated, "utf-8")
    code, out, err = run(
        "evaluate", "--events", str(path), "--as-of", AS_OF, "--format", "json",
        "--engine", "duckdb",
    )  # fmt: skip
    assert code == 0, err
    assert out == evaluate(path, "python")
    lines = [line for line in err.splitlines() if line.startswith("call texts:")]
    assert lines == [
        "call texts: 1 of 7 distinct text(s) classified in Python (negation_beside_match=1)"
    ]


def test_no_line_when_sql_decided_every_text() -> None:
    code, _, err = run(
        "evaluate", "--events", str(EXAMPLES / "events.jsonl"), "--as-of", AS_OF,
        "--format", "json", "--engine", "duckdb",
    )  # fmt: skip
    assert code == 0, err
    assert "call texts:" not in err
