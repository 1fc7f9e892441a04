"""The service commands end to end: ingest a file, relay, reconcile, budget, grants."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.config import get_settings
from tests.integration.fake_charging_process import FakeChargingProcess, running_fake_charging

pytestmark = pytest.mark.integration

TEN_DAYS_AGO = (datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
EVENTS = [  # recent, so only the portal bonus is due (the streak needs nine months)
    {
        "event_id": "e1",
        "customer_id": "c1",
        "type": "invitation_accepted",
        "occurred_at": TEN_DAYS_AGO,
    },
    {
        "event_id": "e2",
        "customer_id": "c1",
        "type": "portal_registered",
        "occurred_at": TEN_DAYS_AGO,
    },
    {"event_id": "e3", "customer_id": "c2", "type": "portal_registered", "occurred_at": "soon"},
]


@pytest.fixture(scope="module")
def charging() -> Iterator[FakeChargingProcess]:
    with running_fake_charging("--fault", "lost=0.5", "--seed", "3") as process:
        yield process


@pytest.fixture
def run(
    database_url: str, charging: FakeChargingProcess, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    monkeypatch.setenv("SELFCARE_DATABASE_URL", database_url)
    monkeypatch.setenv("SELFCARE_CHARGING_URL", charging.url)
    monkeypatch.setenv("SELFCARE_RELAY_IDLE_S", "0.05")
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_a_file_is_ingested_relayed_and_reconciled(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in EVENTS) + "\n")
    ingested = run("ingest", str(path), "--format", "json")
    assert ingested.exit_code == 0, ingested.output
    report = json.loads(ingested.stdout)
    assert (report["accepted"], report["grants"]) == (2, 1)
    assert report["quarantined"] == [
        {"line": 3, "field": "occurred_at", "reason": report["quarantined"][0]["reason"]}
    ]
    relayed = run("relay", "--drain")
    assert relayed.exit_code == 0, relayed.output
    listed = json.loads(run("grants", "list", "--format", "json").stdout)["grants"]
    assert [(g["customer_id"], g["reward"], g["status"]) for g in listed] == [
        ("c1", "portal_registration", "confirmed")
    ]
    reconciled = run("reconcile", "--format", "json")
    assert reconciled.exit_code == 0
    assert json.loads(reconciled.stdout)["differences"] == []


def test_reconcile_exits_1_and_lists_a_grant_the_charging_system_lacks(
    run: Any, tmp_path: Path
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "event_id,customer_id,type,occurred_at\n"
        f"x1,k1,invitation_accepted,{TEN_DAYS_AGO}\n"
        f"x2,k1,app_first_login,{TEN_DAYS_AGO}\n"
    )
    assert run("ingest", str(path)).exit_code == 0
    reconciled = run("reconcile", "--format", "json")
    assert reconciled.exit_code == 1
    [difference] = [
        d for d in json.loads(reconciled.stdout)["differences"] if d["customer_id"] == "k1"
    ]
    assert (difference["kind"], difference["ledger_amount_mb"]) == ("not_applied", 600)


def test_the_budget_can_be_set_and_shown(run: Any) -> None:
    shown = run("budget", "set", "--total-mb", "1200", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["total_mb"] == 1200
    negative = run("budget", "set", "--total-mb", "-5")
    assert negative.exit_code == 2
    assert "--total-mb" in negative.output


def test_an_unreadable_event_file_exits_2_naming_it(run: Any, tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 2
    assert "missing.jsonl" in result.output
