"""`selfcare pilot …` through the CLI: JSON on stdout, one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from selfcare.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).parents[3] / "examples" / "online-statt-hotline.toml"


def test_plan_answers_the_take_up_question_in_json() -> None:
    result = runner.invoke(
        app,
        ["pilot", "plan", "--calls-per-month", "0.3", "--relative-effect", "-0.10",
         "--take-up", "0.35", "--months", "6", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["per_arm"] == 19_363
    assert document["itt_relative_effect"] == -0.035
    assert document["months"] == 6


def test_plan_refuses_a_take_up_above_one() -> None:
    result = runner.invoke(
        app,
        ["pilot", "plan", "--calls-per-month", "0.3", "--relative-effect", "-0.1",
         "--take-up", "2", "--months", "6"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--take-up" in result.stderr


def test_assign_writes_the_csv_and_checks_the_ratio(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "customer_id,tariff,prior_calls\n"
        + "".join(f"4915{i:07d},{'SML'[i % 3]},{i % 4}\n" for i in range(3_000)),
        encoding="utf-8",
    )
    out = tmp_path / "assignments.csv"
    result = runner.invoke(
        app,
        ["pilot", "assign", "--customers", str(customers), "--salt", "s3cret", "--out", str(out),
         "--start", "2025-01-06", "--strata", "tariff", "--exposure", "0.05,0.2,0.5",
         "--wave-dates", "2025-01-06,2025-02-03,2025-03-03", "--balance", "prior_calls",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert not summary["srm_alarm"]
    assert [w["assigned_at"] for w in summary["waves"]] == [
        "2025-01-06",
        "2025-02-03",
        "2025-03-03",
    ]
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "customer_id,arm,stratum,wave,assigned_at,mode"


def test_assign_names_a_missing_stratum_column(tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text("customer_id\n1\n2\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["pilot", "assign", "--customers", str(customers), "--salt", "s", "--out",
         str(tmp_path / "a.csv"), "--start", "2025-01-01", "--strata", "region"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "region" in result.stderr


def test_simulate_then_analyze_end_to_end(tmp_path: Path) -> None:
    simulated = runner.invoke(
        app,
        ["pilot", "simulate", "--out", str(tmp_path), "--customers", "3000", "--months", "3",
         "--pre-months", "3", "--format", "json"],
    )  # fmt: skip
    assert simulated.exit_code == 0, simulated.output
    report = tmp_path / "report.html"
    result = runner.invoke(
        app,
        ["pilot", "analyze", "--program", str(EXAMPLE), "--assignments",
         str(tmp_path / "assignments.csv"), "--events", str(tmp_path / "events.jsonl"),
         "--start", "2025-01-01", "--end", "2025-04-01", "--report", str(report), "--lang", "en",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["customers"]["control"] + document["customers"]["treatment"] == 3_000
    assert "Decision" in report.read_text(encoding="utf-8")


def test_analyze_names_a_missing_events_file(tmp_path: Path) -> None:
    assignments = tmp_path / "a.csv"
    assignments.write_text("customer_id,arm,stratum,assigned_at\n1,control,all,2025-01-01\n")
    result = runner.invoke(
        app,
        ["pilot", "analyze", "--program", str(EXAMPLE), "--assignments", str(assignments),
         "--events", str(tmp_path / "none.jsonl"), "--start", "2025-01-01",
         "--end", "2025-04-01"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "none.jsonl" in result.stderr


def test_invite_gives_codes_to_the_treatment_arm_only(tmp_path: Path) -> None:
    assignments = tmp_path / "a.csv"
    assignments.write_text(
        "customer_id,arm,stratum,assigned_at\n"
        "1,control,all,2025-01-01\n2,treatment,all,2025-01-01\n3,treatment,all,2025-01-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "codes.csv"
    result = runner.invoke(
        app,
        ["pilot", "invite", "--assignments", str(assignments), "--out", str(out),
         "--expires-on", "2025-03-31", "--format", "json"],
        env={"SELFCARE_INVITATION_SECRET": "a-secret-of-some-length"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "customer_id,code,expires_on"
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "3"]


def test_invite_refuses_to_run_without_a_secret(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["pilot", "invite", "--assignments", str(tmp_path / "a.csv"), "--out",
         str(tmp_path / "c.csv"), "--expires-on", "2025-03-31"],
        env={"SELFCARE_INVITATION_SECRET": ""},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "SELFCARE_INVITATION_SECRET" in result.stderr
