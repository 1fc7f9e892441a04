"""`selfcare ingest` shows a progress line on a terminal and stays silent for scripts
(`--format json`) and pipes; the terminal check is forced each way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfcare.cli import app, progress
from selfcare.config import get_settings

pytestmark = pytest.mark.integration
EXAMPLES = Path(__file__).parents[2] / "examples"
Ingest = Callable[..., tuple[str, str]]


@pytest.fixture
def ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ingest]:
    monkeypatch.setenv("SELFCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'selfcare.db'}")
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*more: str, terminal: bool) -> tuple[str, str]:
        monkeypatch.setattr(progress, "on_terminal", lambda: terminal)
        events = str(EXAMPLES / "events.jsonl")
        result = runner.invoke(app, ["ingest", events, *more], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout, result.stderr

    yield run
    get_settings.cache_clear()


def test_ingest_on_a_terminal_shows_its_progress_and_the_summary(ingest: Ingest) -> None:
    out, err = ingest(terminal=True)
    assert "ingesting events.jsonl" in err
    assert "stored" in out


def test_ingest_with_format_json_prints_only_the_report(ingest: Ingest) -> None:
    out, err = ingest("--format", "json", terminal=True)
    assert json.loads(out)["received"] > 0
    assert "ingesting" not in err


def test_ingest_piped_shows_no_progress(ingest: Ingest) -> None:
    out, err = ingest(terminal=False)
    assert "ingesting" not in err
    assert "stored" in out
