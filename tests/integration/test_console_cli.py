"""`selfcare operator create|list` and `selfcare program publish` on a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.config import get_settings
from tests.integration.console_data import BUNDLED, CHANGED

pytestmark = pytest.mark.integration


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The CLI on a fresh SQLite file (the services are tested on both backends)."""
    monkeypatch.setenv("SELFCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_an_operator_is_created_with_a_password_from_stdin_and_listed(run: Any) -> None:
    made = run(
        "operator", "create", "--name", "anna", "--role", "admin", "--password-stdin", "--totp",
        stdin="a long password for anna\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    first, second = made.stdout.splitlines()
    assert first == "created operator anna (admin)"
    assert second.startswith(
        "TOTP: add this to an authenticator app: otpauth://totp/selfcare:anna?"
    )
    listed = run("operator", "list", "--format", "json")
    assert json.loads(listed.stdout) == {"operators": [{"name": "anna", "role": "admin"}]}


def test_the_password_prompt_asks_twice(run: Any) -> None:
    made = run(
        "operator", "create", "--name", "ben", "--role", "viewer",
        stdin="a long password for ben\na long password for ben\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "created operator ben (viewer)" in made.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--name", "c", "--role", "admin"), "short\n", "needs 12 to 1024 characters"),
        (("--name", "anna", "--role", "viewer"), "a long password!!\n", "is taken"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    run: Any, args: tuple[str, ...], stdin: str, message: str
) -> None:
    run("operator", "create", "--name", "anna", "--role", "admin", "--password-stdin",
        stdin="a long password for anna\n")  # fmt: skip
    refused = run("operator", "create", *args, "--password-stdin", stdin=stdin)
    assert refused.exit_code == 2
    assert message in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_publish_makes_a_version_only_when_the_rules_change(run: Any, tmp_path: Path) -> None:
    first, changed = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(BUNDLED)
    changed.write_text(CHANGED)
    assert run("program", "publish", str(first)).stdout == (
        "published online-statt-hotline version 1\n"
    )
    assert run("program", "publish", str(first)).stdout.startswith("unchanged: ")
    assert run("program", "publish", str(changed), "--note", "700").stdout == (
        "published online-statt-hotline version 2\n"
    )
    broken = tmp_path / "c.toml"
    broken.write_text("[program\n")
    refused = run("program", "publish", str(broken))
    assert refused.exit_code == 2
    assert "not valid TOML" in refused.stderr
