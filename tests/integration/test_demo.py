"""`selfcare demo`: the real case end to end on SQLite, every grant arriving exactly once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfcare.bootstrap import build
from selfcare.cli import app
from selfcare.config import Settings
from selfcare.demo.pilot_story import DEMO_SECRET
from selfcare.demo.story import run_demo
from selfcare.grants.charging import FakeChargingClient
from selfcare.pilot.acceptance import accept_invitation
from selfcare.pilot.invitations import Outcome

pytestmark = pytest.mark.integration
JOIN_LINE = r"/join as (\S+), invited but not yet accepted, with the code (\S+):"


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
    assert "arms as the simulator drew them: yes" in outcome.stdout
    # every accepter signed up through the acceptance service, which recorded the event
    assert f"sign-ups through /join: accepted {customers['accepted']}\n" in outcome.stdout
    assert customers["accepted"] > 0
    found = re.search(
        r"/join as (\S+), invited but not yet accepted, with the code (\S+):", outcome.stdout
    )
    assert found is not None, outcome.stdout
    customer, code = found.groups()
    served = build(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'selfcare.db'}",
            invitation_secret=DEMO_SECRET.decode(),
        ),
        charging=FakeChargingClient(),
    )
    try:
        invitations = served.invitations()
        assert invitations is not None
        answer = accept_invitation(invitations, customer_id=customer, code=code, client="test")
    finally:
        served.close()
    assert answer.outcome is Outcome.ACCEPTED  # the printed code works at /join
