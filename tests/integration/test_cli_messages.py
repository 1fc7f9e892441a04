"""Messages that keep their promise: one line on stderr and exit 2 when the database cannot
be used (naming it, password masked, and what to do); `migrate` says what it did."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.config import get_settings
from selfcare.store.engine import downgrade, head_revision, make_engine

pytestmark = pytest.mark.integration

CLOSED_PORT_PG = "postgresql://operator:s3cret@127.0.0.1:9/selfcare"
COMMANDS = [
    ("migrate",),
    ("budget", "show"),
    ("budget", "set", "--total-mb", "100"),
    ("grants", "list"),
    ("ingest", "examples/events.jsonl"),
    ("apikey", "create", "--name", "n", "--scopes", "grants:read"),
    ("token", "create", "--customer", "c1"),
    ("reconcile",),
    ("relay", "--drain"),
    ("serve", "--port", "0"),
]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def run(url: str, *args: str) -> Any:
        monkeypatch.setenv("SELFCARE_DATABASE_URL", url)
        get_settings.cache_clear()
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_an_unreachable_postgresql_is_one_line_naming_it_without_its_password(
    invoke: Any, args: tuple[str, ...]
) -> None:
    result = invoke(CLOSED_PORT_PG, *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "postgresql://operator:***@127.0.0.1:9/selfcare cannot be reached" in result.stderr
    assert "s3cret" not in result.stderr
    assert "start PostgreSQL or check host and port in SELFCARE_DATABASE_URL" in result.stderr


@pytest.mark.parametrize("args", COMMANDS[:4], ids=lambda a: " ".join(a[:2]))
def test_a_sqlite_file_in_a_missing_folder_says_to_create_the_folder(
    invoke: Any, tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "no" / "such"
    result = invoke(f"sqlite:///{missing}/selfcare.db", *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"create the folder {missing}" in result.stderr


def test_the_console_script_keeps_the_promise_too(tmp_path: Path) -> None:
    """The installed entry point (not only the Typer app) prints one line, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "selfcare", "budget", "show"],
        env={"SELFCARE_DATABASE_URL": CLOSED_PORT_PG, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_migrate_says_created_upgraded_or_nothing_to_do(invoke: Any, database_url: str) -> None:
    newest = head_revision()
    created = invoke(database_url, "migrate")
    assert created.exit_code == 0, created.output
    assert f"created the schema (revision {newest})" in created.stdout
    again = invoke(database_url, "migrate")
    assert f"nothing to do: the schema is at the newest revision {newest}" in again.stdout
    engine = make_engine(database_url)
    downgrade(engine, "0001")
    engine.dispose()
    upgraded = invoke(database_url, "migrate")
    assert f"upgraded the schema from revision 0001 to {newest}" in upgraded.stdout


def test_budget_show_speaks_words_and_states_what_counts(invoke: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'selfcare.db'}"
    shown = invoke(url, "budget", "show")
    assert shown.exit_code == 0, shown.output
    assert "None" not in shown.stdout
    assert "total budget: no limit; spent 0 MB" in shown.stdout
    assert "also before the budget was set" in shown.stdout
    limited = invoke(url, "budget", "set", "--total-mb", "7000")
    assert "total budget: 7,000 MB; spent 0 MB; 7,000 MB left" in limited.stdout
