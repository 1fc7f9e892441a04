"""The progress line of long CLI work: on a terminal for people, silent for scripts and
pipes. The terminal check is forced each way (`on_terminal`), as a test has no terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfcare.cli import app, progress
from selfcare.cli.progress import row_progress

EXAMPLES = Path(__file__).parents[2] / "examples"
runner = CliRunner()


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "on_terminal", lambda: True)


@pytest.fixture
def piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "on_terminal", lambda: False)


@pytest.mark.usefixtures("terminal")
def test_on_a_terminal_the_line_names_the_work_and_counts_rows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with row_progress("ingesting events.jsonl", shown=True) as show:
        show(25_000)
    captured = capsys.readouterr()
    assert "ingesting events.jsonl" in captured.err
    assert captured.out == ""


@pytest.mark.usefixtures("terminal")
def test_output_for_scripts_keeps_the_terminal_silent(capsys: pytest.CaptureFixture[str]) -> None:
    with row_progress("ingesting events.jsonl", shown=False) as show:
        show(25_000)
    assert capsys.readouterr() == ("", "")


@pytest.mark.usefixtures("piped")
def test_a_pipe_gets_no_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    with row_progress("ingesting events.jsonl", shown=True) as show:
        show(25_000)
    assert capsys.readouterr() == ("", "")


def invoked(*command: str) -> tuple[str, str]:
    result = runner.invoke(app, list(command))
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def evaluate(*more: str) -> tuple[str, str]:
    events = str(EXAMPLES / "events.jsonl")
    return invoked("evaluate", "--events", events, "--as-of", "2026-03-31", *more)


@pytest.mark.usefixtures("terminal")
def test_evaluate_shows_its_reading_progress_on_a_terminal() -> None:
    _, err = evaluate()
    assert "reading events.jsonl" in err


@pytest.mark.usefixtures("terminal")
def test_evaluate_with_format_json_prints_only_the_document_even_on_a_terminal() -> None:
    out, err = evaluate("--format", "json")
    assert json.loads(out)["as_of"] == "2026-03-31"
    assert "reading" not in err


@pytest.mark.usefixtures("piped")
def test_evaluate_piped_shows_no_progress() -> None:
    _, err = evaluate()
    assert "reading" not in err


def backtest(*more: str) -> tuple[str, str]:
    programs = ["--program", str(EXAMPLES / "online-statt-hotline-six-months.toml")]
    programs += ["--baseline", str(EXAMPLES / "online-statt-hotline.toml")]
    events = str(EXAMPLES / "events.jsonl")
    return invoked("backtest", *programs, "--events", events, "--as-of", "2026-06-30", *more)


@pytest.mark.usefixtures("terminal")
def test_backtest_shows_its_reading_progress_on_a_terminal() -> None:
    _, err = backtest()
    assert "backtest: reading events.jsonl once per program" in err


@pytest.mark.usefixtures("terminal")
def test_backtest_with_format_json_prints_only_the_report_even_on_a_terminal() -> None:
    out, err = backtest("--format", "json")
    assert json.loads(out)
    assert "reading" not in err


def test_the_row_count_moves_the_line_every_so_many_rows() -> None:
    shown: list[int] = []
    one_more = progress.counting(shown.append, every=3)
    for _ in range(7):
        one_more()
    assert shown == [3, 6]
