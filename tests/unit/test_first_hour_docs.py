"""Issue 14's promises about the repository itself: links stay inside it, the program
reference names every setting of the program file, the help and the Makefile say what
they do, and SQLite's side files are ignored by git."""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selfcare.cli import app
from selfcare.program.explain import explain_text
from selfcare.program.load import parse_program
from selfcare.program.schema import program_file_schema

ROOT = Path(__file__).parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
EXAMPLE = ROOT / "examples" / "online-statt-hotline.toml"


def links() -> Iterator[tuple[Path, str]]:
    for document in DOCUMENTS:
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            yield document, target


def test_there_are_documents_with_links() -> None:
    assert len(DOCUMENTS) >= 5
    assert len(list(links())) >= 8


@pytest.mark.parametrize(("document", "target"), list(links()), ids=lambda v: str(v)[-40:])
def test_every_relative_link_stays_in_the_repository_and_exists(
    document: Path, target: str
) -> None:
    if target.startswith(("http://", "https://", "mailto:")):
        return  # outside references (the regulator, standards) are meant as such
    path = target.split("#", 1)[0]
    if not path:
        return  # an anchor on the same page
    resolved = (document.parent / path).resolve()
    assert resolved.is_relative_to(ROOT), f"{document.name}: {target} leaves the repository"
    assert resolved.exists(), f"{document.name}: {target} does not exist"


def setting_names(schema: dict[str, Any]) -> set[str]:
    """Every property name in the program file's schema, at any depth."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return names


def test_the_program_reference_names_every_setting_of_the_program_file() -> None:
    reference = (ROOT / "docs" / "program-reference.md").read_text(encoding="utf-8")
    names = setting_names(program_file_schema())
    assert {"on_break", "keywords", "budget", "recurrence", "caps", "total_mb"} <= names
    written = {  # `name`, `title.en`, `[calls]`, `[[calls.categories]]`
        part
        for found in re.finditer(r"`\[{0,2}([a-z_.]+)", reference)
        for part in found.group(1).split(".")
    }
    missing = sorted(names - written)
    assert missing == []


def test_evaluate_help_names_every_input_format() -> None:
    result = CliRunner().invoke(app, ["evaluate", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for kind in ("JSON Lines", "CSV", "Parquet"):
        assert kind in result.stdout


@pytest.mark.parametrize(
    "name", ["selfcare.db-wal", "selfcare.db-shm", "data/other.sqlite-wal", "x.sqlite3-shm"]
)
def test_sqlite_side_files_are_ignored_by_git(name: str) -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "*-wal" in patterns
    assert "*-shm" in patterns
    assert any(fnmatch.fnmatch(Path(name).name, p) for p in patterns)


def test_make_bench_says_that_it_writes_over_the_tracked_results() -> None:
    planned = subprocess.run(
        ["make", "-n", "bench"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert planned.returncode == 0, planned.stderr
    assert "writes new results over the tracked bench/results/*.json" in planned.stdout
    assert "git checkout bench/results" in planned.stdout


def program_with_budget() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text + "\n[budget]\ntotal_mb = 500000\nmonthly_mb = 50000\n"


def test_explain_states_the_budget_and_what_counts_against_it() -> None:
    program = parse_program(program_with_budget(), source="budget.toml")
    english, german = explain_text(program, "en"), explain_text(program, "de")
    assert "500,000 MB" in english
    assert "50,000 MB" in english
    assert "500.000 MB" in german
    assert "50.000 MB" in german
    assert "Budget" in german
    plain = parse_program(EXAMPLE.read_text(encoding="utf-8"), source="example.toml")
    assert "budget" in explain_text(plain, "en").lower()


def test_validate_names_the_budget_the_file_sets(tmp_path: Path) -> None:
    file = tmp_path / "budget.toml"
    file.write_text(program_with_budget(), encoding="utf-8")
    result = CliRunner().invoke(app, ["program", "validate", str(file)])
    assert result.exit_code == 0, result.output
    assert "budget 500,000 MB in total and 50,000 MB a month" in result.stdout


SAMPLE = re.compile(r"^```\n\$ (selfcare [^\n]*)\n(.*?)^```", re.M | re.S)


def readme_samples() -> list[tuple[str, str]]:
    """The sample sessions (`$ selfcare …` and what it prints) in plain blocks of the README
    and of the docs pages (the speed check's and the pilot's moved there)."""
    return [
        (found[1], found[2])
        for document in DOCUMENTS
        for found in SAMPLE.finditer(document.read_text(encoding="utf-8"))
    ]


def test_the_readme_shows_samples() -> None:
    assert len(readme_samples()) >= 3


@pytest.mark.parametrize(("command", "shown"), readme_samples(), ids=lambda v: v[:50])
def test_every_sample_output_in_the_readme_is_what_the_command_prints(
    command: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line the README shows is printed, in that order (a sample may leave lines
    out, and says so; a long line may be wrapped)."""
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code in (0, 1), result.output
    printed, position = " ".join(result.stdout.split()), 0
    for line in shown.splitlines():
        found = printed.find(" ".join(line.split()), position)
        assert found >= 0, f"not printed (or not in this order): {line}"
        position = found + len(line.strip())
