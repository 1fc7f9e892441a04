"""Every numeric or time option of the `selfcare` command is bounded like the API's.

The command tree is walked, so an option added later without a range fails here: far
too large and negative values must each give exit code 2 and one line on stderr, before
any work is done (no traceback, no multi-line usage box).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
import typer
from typer.testing import CliRunner

from selfcare.cli import app

TIME_OPTIONS = {"--as-of"}
OUT_OF_RANGE = ("100000000000000000000", "-1")
OUT_OF_RANGE_DAYS = ("0001-01-01", "9999-12-31")


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Leaf commands with their path (typer carries its own copy of click: duck-typed)."""
    if hasattr(command, "commands"):
        found: list[tuple[tuple[str, ...], Any]] = []
        for name, sub in command.commands.items():
            found.extend(_commands(sub, (*path, name)))
        return found
    return [(path, command)]


def _numeric(annotation: Any) -> bool:
    """int, float, or either of them or None."""
    return annotation in (int, float) or any(a in (int, float) for a in get_args(annotation))


def _numeric_options() -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    cases: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = []
    for path, command in _commands(typer.main.get_command(app)):
        for param in command.params:
            if param.param_type_name != "option":
                continue
            name = max(param.opts, key=len)
            if _numeric(param.type_descriptor.annotation):
                cases.append((path, name, OUT_OF_RANGE))
            elif name in TIME_OPTIONS:
                cases.append((path, name, OUT_OF_RANGE_DAYS))
    return cases


CASES = _numeric_options()


def test_a_token_for_9999999_days_is_refused_in_one_line() -> None:
    outcome = CliRunner().invoke(app, ["token", "create", "--customer", "c1", "--days", "9999999"])

    assert outcome.exit_code == 2
    assert outcome.stderr == "--days: 9999999 is out of range; give 1 to 366\n"


def test_the_walk_finds_the_options_the_issue_names() -> None:
    found = {(" ".join(path), name) for path, name, _ in CASES}
    assert {("token create", "--days"), ("serve", "--port"), ("evaluate", "--as-of")} <= found


@pytest.mark.parametrize(
    ("path", "option", "values"), CASES, ids=[f"{' '.join(p)} {o}" for p, o, _ in CASES]
)
def test_a_numeric_option_out_of_range_is_one_line_and_exit_2(
    path: tuple[str, ...],
    option: str,
    values: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # should a value slip through, nothing is written here
    monkeypatch.setenv("SELFCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'bounds.db'}")
    for value in values:
        outcome = CliRunner().invoke(app, [*path, f"{option}={value}"])

        assert outcome.exit_code == 2, (value, outcome.output)
        lines = outcome.stderr.strip().splitlines()
        assert len(lines) == 1, (value, outcome.stderr)
        assert option in lines[0]
        assert "range" in lines[0]
        assert "Traceback" not in outcome.output
