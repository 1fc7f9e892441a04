"""`selfcare demo`: the real case end to end on SQLite, every grant arriving exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.demo.story import run_demo

pytestmark = pytest.mark.integration


def test_the_demo_ledger_matches_the_reference_evaluator_and_the_charging_system(
    tmp_path: Path,
) -> None:
    result = run_demo(tmp_path, pilot_customers=0)
    earned = sum(c.earned_mb for c in result.progress.customers)
    assert earned == 6600  # anna 3600, ben 600, carla 2400, dieter 0 (hand-computed)
    assert result.service["ledger: MB granted"] == earned
    assert result.service["grants in the ledger"] == 7
    assert result.service["top-ups applied by the charging system"] == 7
    attempts = result.service["top-up attempts (with lost answers and 500s)"]
    assert isinstance(attempts, int)
    assert attempts > 7  # the fake lost answers and failed, yet nothing was applied twice
    assert result.service["reconciliation"] == "no difference"
    assert result.ingest.duplicates == 1


def test_the_demo_writes_a_report_with_a_chart_and_the_json_contract(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(
        app, ["demo", "--folder", str(tmp_path), "--lang", "de", "--pilot-customers", "0"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert str(tmp_path / "report.html") in outcome.stdout.replace("\n", "")
    html = (tmp_path / "report.html").read_text()
    assert "<svg" in html
    assert "Erworbenes Datenvolumen" in html
    assert "<script" not in html
    document = json.loads((tmp_path / "progress.json").read_text())
    assert [c["customer_id"] for c in document["customers"]] == ["anna", "ben", "carla", "dieter"]


def test_running_the_demo_twice_starts_from_a_fresh_database(tmp_path: Path) -> None:
    first = run_demo(tmp_path, pilot_customers=0)
    second = run_demo(tmp_path, pilot_customers=0)
    assert first.service == second.service


def test_the_demo_pilot_runs_through_the_service_and_prints_where_its_report_is(
    tmp_path: Path,
) -> None:
    outcome = CliRunner().invoke(
        app, ["demo", "--folder", str(tmp_path), "--pilot-customers", "400"]
    )
    assert outcome.exit_code == 0, outcome.output
    report = tmp_path / "pilot-report.html"
    assert str(report) in outcome.stdout.replace("\n", "")
    html = report.read_text(encoding="utf-8")
    assert 'class="verdict"' in html
    assert html.count("data:image/png;base64,") >= 3
    analysis = json.loads((tmp_path / "pilot" / "analysis.json").read_text())
    assert analysis["source"] == "database, pilot demo"
    customers = analysis["customers"]
    assert customers["control"] + customers["treatment"] == 400
    assert "arms as the simulator drew them: True" in outcome.stdout
    # every accepter signed up through the acceptance service, which recorded the event
    assert f"sign-ups through /join: {{'accepted': {customers['accepted']}}}" in outcome.stdout
    assert customers["accepted"] > 0
