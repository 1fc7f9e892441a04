"""`selfcare program schema`: the JSON Schema an editor uses to check a program TOML file as
it is typed. Checked here the way an editor does it: TOML parsed, then validated with the
`jsonschema` library against the printed schema."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs pinned
from typer.testing import CliRunner

from selfcare.cli import app

EXAMPLE = Path(__file__).parents[2] / "examples" / "online-statt-hotline.toml"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = CliRunner().invoke(app, ["program", "schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def problems(validator: Draft202012Validator, document: dict[str, Any]) -> list[str]:
    return sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.validator}"
        for e in validator.iter_errors(document)
    )


def test_the_bundled_example_is_valid(validator: Draft202012Validator) -> None:
    assert problems(validator, example()) == []


def test_a_budget_is_valid(validator: Draft202012Validator) -> None:
    document = example() | {"budget": {"total_mb": 500_000, "monthly_mb": 50_000}}
    assert problems(validator, document) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["program"].update(timezon="Europe/Berlin"), "program: additionalProperties"),
        (lambda d: d["rewards"][0].update(amount_mb=0), "rewards/0: "),
        (lambda d: d["rewards"][3].update(on_break="pause"), "rewards/3"),
        (lambda d: d["caps"][0].update(period="week"), "caps/0/period: enum"),
        (lambda d: d.update(budget={"total_mb": "lots"}), "budget/total_mb"),
        (lambda d: d.pop("rewards"), ": required"),
    ],
    ids=[
        "misspelt setting",
        "zero MB",
        "unknown on_break",
        "unknown cap period",
        "budget not a number",
        "no rewards",
    ],
)
def test_an_invalid_program_fails(validator: Draft202012Validator, change: Any, where: str) -> None:
    document = example()
    change(document)
    found = problems(validator, document)
    assert any(where in p for p in found), found
