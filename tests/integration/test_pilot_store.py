"""A pilot in the service's database, on SQLite and PostgreSQL: stored once, accepted once,
and analysed from the database exactly as from the files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfcare.bootstrap import App, build
from selfcare.cli import app as cli
from selfcare.config import Settings
from selfcare.domain.pilot_records import AssignmentRecord, InvitationRecord
from selfcare.grants.charging import FakeChargingClient
from selfcare.ingest.service import ingest_file
from selfcare.program.load import bundled_example

pytestmark = pytest.mark.integration
runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "examples" / "online-statt-hotline.toml"
SECRET = {"SELFCARE_INVITATION_SECRET": "a-secret-of-some-length"}
AFTER_THE_PILOT = datetime(2025, 4, 2, 12, tzinfo=UTC)


@pytest.fixture
def wired(database_url: str) -> Iterator[App]:
    app = build(
        Settings(database_url=database_url),
        program=bundled_example(),
        charging=FakeChargingClient(),
        clock=lambda: AFTER_THE_PILOT,
    )
    try:
        yield app
    finally:
        app.close()


def _assignment(customer: str, arm: str) -> AssignmentRecord:
    return AssignmentRecord("p1", customer, arm, "all", 1, date(2025, 1, 1))


def test_a_stored_customer_keeps_the_arm_and_a_code_is_accepted_once(wired: App) -> None:
    at = datetime(2025, 1, 5, tzinfo=UTC)
    with wired.uow() as work:
        assert work.pilots.add_assignments([_assignment("a", "treatment")]) == 1
        code = InvitationRecord("h1", "p1", "a", date(2025, 3, 31), at)
        assert work.pilots.add_invitations([code]) == 1
        work.commit()
    with wired.uow() as work:  # a later wave names "a" again, in the other arm
        moved = [_assignment("a", "control"), _assignment("b", "control")]
        assert work.pilots.add_assignments(moved) == 1
        assert work.pilots.add_invitations([code]) == 0
        assert not work.pilots.accept("h1", "b", at)  # someone else's code
        assert work.pilots.accept("h1", "a", at)
        assert not work.pilots.accept("h1", "a", at)  # used
        work.commit()
    with wired.uow(read_only=True) as work:
        assert [(r.customer_id, r.arm) for r in work.pilots.assignments("p1")] == [
            ("a", "treatment"),
            ("b", "control"),
        ]
        counts = work.pilots.counts("p1")
        stored = work.pilots.invitation("h1")
    assert counts.arms == {"treatment": 1, "control": 1}
    assert (counts.invitations_sent, counts.invitations_accepted) == (1, 1)
    assert stored is not None
    assert stored.accepted_at == at


def _run(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    result = runner.invoke(cli, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_assign_invite_and_analyze_through_the_database_match_the_files(
    wired: App, database_url: str, tmp_path: Path
) -> None:
    _run("pilot", "simulate", "--out", str(tmp_path), "--customers", "600", "--months", "3",
         "--pre-months", "3")  # fmt: skip
    db = ["--database-url", database_url, "--pilot", "p1"]
    assigned = _run("pilot", "assign", "--customers", str(tmp_path / "customers.csv"),
                    "--salt", "simulated-pilot", "--strata", "tariff", "--start", "2025-01-01",
                    "--out", str(tmp_path / "assigned.csv"), *db)  # fmt: skip
    assert assigned["database"] == {"pilot": "p1", "new": 600}
    invited = _run("pilot", "invite", "--assignments", str(tmp_path / "assigned.csv"),
                   "--out", str(tmp_path / "codes.csv"), "--expires-on", "2025-03-31", *db,
                   env=SECRET)  # fmt: skip
    assert invited["database"] == {"pilot": "p1", "new": invited["invited"]}
    report = ingest_file(wired.ingestor, tmp_path / "events.jsonl")
    assert not report.quarantined
    period = ["--program", str(EXAMPLE), "--start", "2025-01-01", "--end", "2025-04-01"]
    files = ["--assignments", str(tmp_path / "assigned.csv"), "--events",
             str(tmp_path / "events.jsonl")]  # fmt: skip
    from_files = _run("pilot", "analyze", *period, *files)
    from_db = _run("pilot", "analyze", *period, *db, "--report", str(tmp_path / "r.html"))
    assert from_db["itt"] == from_files["itt"]
    assert from_db["cace"] == from_files["cace"]
    assert from_db["customers"] == from_files["customers"]
    assert "Entscheidung" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_analyze_without_files_or_database_says_so_in_one_line() -> None:
    result = runner.invoke(
        cli,
        ["pilot", "analyze", "--program", str(EXAMPLE), "--start", "2025-01-01",
         "--end", "2025-04-01"],
        env={"SELFCARE_DATABASE_URL": ""},
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--database-url" in result.stderr
