"""The operator's everyday commands on a real database: customers, quarantine, grants."""

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

pytestmark = pytest.mark.integration


def days_ago(days: int) -> str:
    """Recent events: the portal bonus is due, the nine-month streak is not."""
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT09:00:00Z")


EVENTS = [
    {"event_id": "e1", "customer_id": "c1", "type": "invitation_accepted",
     "occurred_at": days_ago(10)},
    {"event_id": "e2", "customer_id": "c1", "type": "portal_registered",
     "occurred_at": days_ago(9)},
    {"event_id": "e3", "customer_id": "c1", "type": "hotline_call",
     "occurred_at": days_ago(8), "reason_code": "VVL"},
    {"event_id": "e4", "customer_id": "c2", "type": "invitation_accepted",
     "occurred_at": days_ago(10)},
    {"event_id": "e5", "customer_id": "c2", "type": "portal_regstered",
     "occurred_at": days_ago(9)},
]  # fmt: skip


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    monkeypatch.setenv("SELFCARE_DATABASE_URL", database_url)
    monkeypatch.setenv("SELFCARE_CHARGING_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False)

    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in EVENTS) + "\n")
    assert invoke("ingest", str(events)).exit_code == 0
    yield invoke
    get_settings.cache_clear()


def test_customers_list_and_show_tell_the_customers_story(run: Any) -> None:
    listed = run("customers", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0].split() == [
        "customer_id", "earned_mb", "streak", "counted_calls"
    ]  # fmt: skip
    assert [line.split()[:2] for line in listed.stdout.splitlines()[1:]] == [
        ["c1", "600"],
        ["c2", "0"],
    ]
    shown = run("customers", "show", "c1", "--format", "json")
    document = json.loads(shown.stdout)
    kinds = [(e["kind"], e.get("event_id") or e["grant"]["reward"]) for e in document["timeline"]]
    assert kinds == [  # the grant is due when selfcare learned of e2: at ingest, today
        ("event", "e1"),
        ("event", "e2"),
        ("event", "e3"),
        ("grant", "portal_registration"),
    ]
    call = document["timeline"][2]["call"]
    assert (call["counts"], call["category"]) == (False, "contract_extension")
    text = run("customers", "show", "c1").stdout
    assert "does not count" in text
    assert "grant portal_registration" in text


def test_an_unknown_customer_is_one_line_and_exit_2(run: Any) -> None:
    result = run("customers", "show", "nobody")
    assert result.exit_code == 2
    assert result.stderr == "customer 'nobody': no events stored\n"


def test_quarantine_list_show_and_replay(run: Any) -> None:
    listed = json.loads(run("quarantine", "list", "--format", "json").stdout)
    assert listed["total"] == 1
    row = listed["items"][0]
    assert (row["event_id"], row["field"]) == ("e5", "type")
    shown = json.loads(run("quarantine", "show", str(row["id"])).stdout)
    assert json.loads(shown["raw"])["type"] == "portal_regstered"
    replayed = run("quarantine", "replay", "--format", "json")
    assert json.loads(replayed.stdout)["replayed"] == [row["id"]]
    again = json.loads(run("quarantine", "list", "--format", "json").stdout)
    assert again["total"] == 1  # still refused: replaced by a row with today's reason
    assert again["items"][0]["id"] != row["id"]
    missing = run("quarantine", "show", "999")
    assert missing.exit_code == 2


def test_grants_list_has_a_header_and_filters(run: Any) -> None:
    listed = run("grants", "list", "--reward", "portal_registration")
    lines = listed.stdout.splitlines()
    assert lines[0].split() == [
        "grant_id", "customer_id", "reward", "period", "amount_mb", "granted_on", "status",
        "hold_reason",
    ]  # fmt: skip
    assert len(lines) == 2
    assert lines[1].split()[1:4] == ["c1", "portal_registration", "once"]
    assert lines[1].split()[-1] == "-"
    none = run("grants", "list", "--reward", "app_install")
    assert none.stdout.splitlines()[1:] == []
    wrong = run("grants", "list", "--status", "paid")
    assert wrong.exit_code == 2


def test_ingest_counts_in_words_one_duplicate_not_one_duplicates(run: Any, tmp_path: Path) -> None:
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps(EVENTS[0]) + "\n")
    summary = run("ingest", str(again)).stdout
    assert f"{again}: 1 row, 0 stored, 1 duplicate, 0 conflicts, 0 quarantined; 0 new grants" in (
        summary
    )
