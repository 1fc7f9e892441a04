"""The command line's small promises: one-line usage errors with exit 2, plain help,
`--version`, and counts in words ("1 day", never "1 days")."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.domain.program import Program
from selfcare.program.explain import explain_text
from selfcare.program.load import load_program, parse_program

EXAMPLE = Path(__file__).parents[2] / "examples" / "online-statt-hotline.toml"


def selfcare(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "selfcare", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("calls", "check", "x", "--lang", "fr"), "Invalid value for '--lang': 'fr' is not one"),
        (("serve", "--port", "99999"), "--port: 99999 is out of range; give 0 to 65535"),
        (("nosuch",), "No such command 'nosuch'"),
        (("token", "create", "--customer", "c", "--days", "0"), "--days: 0 is out of range"),
        (("speedcheck", "evaluate", "x", "--download", "abc"), "--download: 'abc' is not"),
    ],
)
def test_bad_options_are_one_line_with_exit_2(args: tuple[str, ...], expected: str) -> None:
    done = selfcare(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert expected in done.stderr
    assert "Value error" not in done.stderr


def test_version_is_printed() -> None:
    done = selfcare("--version")
    assert (done.returncode, done.stdout) == (0, f"selfcare {version('selfcare')}\n")


def every_command() -> list[list[str]]:
    """The path of every command and group, walked from the root (a new one is covered)."""
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_the_walk_reaches_the_leaves() -> None:
    assert {("serve",), ("grants", "list"), ("quarantine", "replay")} <= {
        tuple(path) for path in every_command()
    }


@pytest.mark.parametrize("command", every_command(), ids=lambda path: " ".join(path) or "-")
def test_help_shows_no_type_placeholders_or_validator_prefixes(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout
    assert "Value error" not in result.stdout


def test_one_day_is_a_day_in_both_languages() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for setting, value in [
        ("settlement_grace_days = 3", "settlement_grace_days = 1"),
        ("hotline_pass_days = 14", "hotline_pass_days = 1"),
        ("months = 9", "months = 1"),
    ]:
        text = text.replace(setting, value)
    program: Program = parse_program(text, source="one.toml")
    english, german = explain_text(program, "en"), explain_text(program, "de")
    assert "1 day after" in english
    assert "1 calendar day after" in english
    assert "1 calendar month without" in english
    assert "1 days" not in english
    assert "1 calendar months" not in english
    assert "1 Tag nach" in german
    assert "1 Kalendermonat ohne" in german


def test_the_example_still_reads_in_plurals() -> None:
    english = explain_text(load_program(EXAMPLE), "en")
    assert "9 calendar months without" in english
    assert "14 calendar days after" in english
