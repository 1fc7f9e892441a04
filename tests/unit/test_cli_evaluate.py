"""`selfcare evaluate` as scripts use it: JSON contract, bad rows, --strict, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from selfcare.cli import app

EXAMPLES = Path(__file__).parents[2] / "examples"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_bundled_example_prints_grants_with_explanations_as_json() -> None:
    code, out, _ = run(
        "evaluate",
        "--events",
        str(EXAMPLES / "events.jsonl"),
        "--as-of",
        "2026-03-31",
        "--format",
        "json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["as_of"] == "2026-03-31"
    ids = [c["customer_id"] for c in document["customers"]]
    assert ids == sorted(ids)
    carla = next(c for c in document["customers"] if c["customer_id"] == "carla")
    assert carla["earned_mb"] == sum(g["amount_mb"] for g in carla["grants"]) == 2400
    assert set(carla["grants"][0]) >= {"reward", "amount_mb", "granted_on", "period"}
    assert set(carla["streak"]) >= {"status", "window_start", "completes_on", "broken_by"}
    assert carla["calls"][0]["counts"] is False
    assert "Hotline pass" in carla["calls"][0]["explanation"]


def test_the_table_output_names_each_customer_and_call_verdict() -> None:
    code, out, _ = run(
        "evaluate", "--events", str(EXAMPLES / "events.jsonl"), "--as-of", "2026-03-31"
    )
    assert code == 0
    assert "carla: 2400 MB earned" in out
    assert "does not count" in out


def test_bad_rows_are_reported_and_the_valid_rows_evaluated(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    good = (EXAMPLES / "events.jsonl").read_text().splitlines()[:2]
    events.write_text("\n".join([*good, '{"event_id": "x"}']) + "\n")
    code, out, err = run(
        "evaluate", "--events", str(events), "--as-of", "2026-03-31", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["customers"][0]["earned_mb"] == 600 + 1800
    assert f"{events}, line 3, field customer_id: is required" in err


def test_strict_exits_2_on_any_bad_row(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text('{"event_id": "x"}\n')
    code, out, err = run("evaluate", "--events", str(events), "--as-of", "2026-03-31", "--strict")
    assert code == 2
    assert out == ""
    assert err.strip().endswith("1 invalid row(s); nothing evaluated (--strict)")


def test_a_bad_date_or_program_exits_2_with_one_line(tmp_path: Path) -> None:
    code, _, err = run(
        "evaluate", "--events", str(EXAMPLES / "events.jsonl"), "--as-of", "31.03.2026"
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "--as-of" in err
    program = tmp_path / "p.toml"
    program.write_text("[program]\nid='x'\nname='x'\ntimezone='Mars/Olympus'\n")
    code, _, err = run(
        "evaluate",
        "--program",
        str(program),
        "--events",
        str(EXAMPLES / "events.jsonl"),
        "--as-of",
        "2026-03-31",
    )
    assert code == 2
    assert "unknown time zone 'Mars/Olympus'" in err
    assert err.count("\n") == 1
