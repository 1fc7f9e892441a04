"""`reconcile --engine duckdb` finds exactly what the Python reconciliation finds.

Hypothesis writes a ledger export, a charging export and expected grants (as CSV, JSON Lines
or Parquet) with the faults reconciliation exists for: grants never applied or applied
twice, held grants paid, wrong amounts, units and customers, top-ups for unknown keys,
repeated ledger rows, missing and unexpected grants. The set-based path's file must equal
the Python references (`reconcile.compare`, `reconcile_expected.compare_expected`) run on
the same rows in memory, row for row and word for word.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.grants import reconcile as ref
from selfcare.grants.charging import UNITS, AppliedTopUp
from selfcare.grants.reconcile_expected import ExpectedGrant, LedgerRow, compare_expected
from selfcare.grants.reconcile_sql import reconcile_files

GRANTS = [f"g{i}" for i in range(4)]
CUSTOMERS = ["anna", "ben", "007"]
REWARDS = ["portal", "streak"]
PERIODS = ["once", "2025-05"]
AMOUNTS = [300, 600]
runner = CliRunner()

ledger_rows = st.lists(
    st.fixed_dictionaries(
        {
            "grant_id": st.sampled_from(GRANTS),
            "customer_id": st.sampled_from(CUSTOMERS),
            "reward": st.sampled_from(REWARDS),
            "period": st.sampled_from(PERIODS),
            "amount_mb": st.sampled_from(AMOUNTS),
            "status": st.sampled_from(["confirmed", "held", "pending", "rejected", "CONFIRMED"]),
        }
    ),
    max_size=8,
)
topup_rows = st.lists(
    st.fixed_dictionaries(
        {
            "idempotency_key": st.sampled_from([*GRANTS, "zz", None, ""]),
            "grant_id": st.sampled_from([None, *GRANTS, "yy"]),
            "customer_id": st.sampled_from(CUSTOMERS),
            "amount_mb": st.sampled_from(AMOUNTS),
            "units": st.sampled_from([None, "MB", "GB"]),
        }
    ),
    max_size=10,
).map(lambda rows: [{"id": f"t{i}", **row} for i, row in enumerate(rows)])
expected_rows = st.lists(
    st.fixed_dictionaries(
        {
            "customer_id": st.sampled_from(CUSTOMERS),
            "reward": st.sampled_from(REWARDS),
            "period": st.sampled_from(PERIODS),
            "amount_mb": st.sampled_from(AMOUNTS),
        }
    ),
    max_size=8,
)


def write(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, columns)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        types = {c: pa.int64() if c == "amount_mb" else pa.string() for c in columns}
        table = pa.table({c: pa.array([r[c] for r in rows], types[c]) for c in columns})
        pq.write_table(table, path)
    return path


def _blank(value: str | None) -> str | None:
    return value or None


def reference(
    ledger: list[dict[str, Any]], topups: list[dict[str, Any]], expected: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The Python references on the generated rows themselves (no file in between)."""
    grants = [LedgerRow(**row) for row in ledger]
    out = [
        {
            "check": "expected_vs_ledger",
            "kind": str(d.kind),
            "grant_id": d.grant_id,
            "customer_id": d.customer_id,
            "reward": d.reward,
            "period": d.period,
            "expected_amount_mb": d.expected_amount_mb,
            "ledger_amount_mb": d.ledger_amount_mb,
            "applied_amount_mb": None,
            "topup_ids": "",
            "detail": d.detail,
        }
        for d in compare_expected([ExpectedGrant(**row) for row in expected], grants)
    ]
    applied = [
        AppliedTopUp(
            id=t["id"],
            idempotency_key=_blank(t["idempotency_key"]),
            customer_id=t["customer_id"],
            amount_mb=t["amount_mb"],
            units=t["units"] or UNITS,
            grant_id=_blank(t["grant_id"]),
        )
        for t in topups
    ]
    out += [
        {
            "check": "ledger_vs_charging",
            "kind": str(d.kind),
            "grant_id": d.grant_id,
            "customer_id": d.customer_id,
            "reward": None,
            "period": None,
            "expected_amount_mb": None,
            "ledger_amount_mb": d.ledger_amount_mb,
            "applied_amount_mb": d.applied_amount_mb,
            "topup_ids": ",".join(d.topup_ids),
            "detail": d.detail,
        }
        for d in ref.compare(grants, applied).differences
    ]
    return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ledger=ledger_rows,
    topups=topup_rows,
    expected=expected_rows,
    suffix=st.sampled_from([".csv", ".jsonl", ".parquet"]),
)
def test_the_duckdb_path_writes_what_the_python_reconciliation_finds(
    tmp_path_factory: pytest.TempPathFactory,
    ledger: list[dict[str, Any]],
    topups: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    suffix: str,
) -> None:
    folder = tmp_path_factory.mktemp("exports")
    files = {
        "ledger": write(folder / f"ledger{suffix}", ledger, list(ledger_rows_columns())),
        "charging": write(folder / f"charging{suffix}", topups, list(topup_columns())),
        "expected": write(folder / f"expected{suffix}", expected, list(expected_columns())),
    }
    wanted = reference(ledger, topups, expected)
    for engine in ("duckdb", "python"):
        output = folder / f"differences-{engine}.jsonl"
        summary = reconcile_files(**files, output=output, engine=engine)
        assert read_jsonl(output) == wanted, engine
        assert summary.differences == len(wanted)
        assert summary.ledger == len({row["grant_id"] for row in ledger})


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_grant_paid_under_its_key_and_again_by_name_counts_two_keys(
    tmp_path: Path, engine: str
) -> None:
    ledger = [
        {
            "grant_id": "g1",
            "customer_id": "anna",
            "reward": "portal",
            "period": "once",
            "amount_mb": 600,
            "status": "confirmed",
        }
    ]
    topups = [
        {
            "id": "t1",
            "idempotency_key": "g1",
            "grant_id": None,
            "customer_id": "anna",
            "amount_mb": 600,
            "units": "MB",
        },
        {
            "id": "t2",
            "idempotency_key": None,
            "grant_id": "g1",
            "customer_id": "anna",
            "amount_mb": 600,
            "units": None,
        },
    ]
    files = {
        "ledger": write(tmp_path / "ledger.csv", ledger, list(ledger_rows_columns())),
        "charging": write(tmp_path / "charging.csv", topups, list(topup_columns())),
    }
    output = tmp_path / "differences.jsonl"
    reconcile_files(**files, output=output, engine=engine)
    rows = read_jsonl(output)
    assert rows == [r for r in reference(ledger, topups, []) if r["check"] != "expected_vs_ledger"]
    assert [r["detail"] for r in rows] == ["2 under 2 keys"]


def ledger_rows_columns() -> tuple[str, ...]:
    return ("grant_id", "customer_id", "reward", "period", "amount_mb", "status")


def topup_columns() -> tuple[str, ...]:
    return ("id", "idempotency_key", "grant_id", "customer_id", "amount_mb", "units")


def expected_columns() -> tuple[str, ...]:
    return ("customer_id", "reward", "period", "amount_mb")


EXAMPLES = Path(__file__).parents[3] / "examples"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_the_command_computes_expected_grants_and_writes_every_format(
    tmp_path: Path, suffix: str
) -> None:
    output = tmp_path / f"differences{suffix}"
    result = runner.invoke(
        app,
        [
            "reconcile",
            "--engine",
            "duckdb",
            "--ledger",
            str(EXAMPLES / "reconcile" / "ledger.csv"),
            "--charging",
            str(EXAMPLES / "reconcile" / "charging.jsonl"),
            "--events",
            str(EXAMPLES / "events.jsonl"),
            "--as-of",
            "2026-06-30",
            "--output",
            str(output),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1, result.stderr  # the example exports do differ
    summary = json.loads(result.stdout)
    assert summary["expected_grants"] == 8  # anna 4, ben 2, carla 2 (examples/events.jsonl)
    assert summary["counts"] == {
        "missing_in_ledger": 1,
        "ledger_amount_mismatch": 1,
        "applied_twice": 1,
        "unknown_to_ledger": 1,
        "not_applied": 1,
    }
    if suffix == ".parquet":
        rows = pq.read_table(output).to_pylist()
    elif suffix == ".csv":
        with output.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    else:
        rows = read_jsonl(output)
    assert len(rows) == 5
    assert rows[0]["kind"] == "missing_in_ledger"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "spark"], "--engine: 'spark' is not available for reconcile"),
        (["--engine", "duckdb"], "give --ledger FILE, --charging FILE and --output FILE"),
    ],
)
def test_bad_reconcile_options_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["reconcile", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_export_without_a_required_column_is_named(tmp_path: Path) -> None:
    ledger = write(tmp_path / "ledger.csv", [{"grant_id": "g1"}], ["grant_id"])
    result = runner.invoke(
        app,
        [
            "reconcile",
            "--engine",
            "duckdb",
            "--ledger",
            str(ledger),
            "--charging",
            str(EXAMPLES / "reconcile" / "charging.jsonl"),
            "--output",
            str(tmp_path / "d.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "ledger.csv: no column 'customer_id'" in result.stderr
