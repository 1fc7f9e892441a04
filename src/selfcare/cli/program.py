"""`selfcare program validate|explain`: check a program file and read it in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selfcare.cli.common import Lang, emit_json, fail
from selfcare.domain.program import Program
from selfcare.errors import SelfcareError
from selfcare.program.explain import explain_json, explain_text
from selfcare.program.load import load_program

app = typer.Typer(no_args_is_help=True, help="Validate and explain program files.")

ProgramFile = Annotated[Path, typer.Argument(help="The program's TOML file.")]


def _load(path: Path) -> Program:
    try:
        return load_program(path)
    except SelfcareError as exc:
        fail(str(exc))


@app.command("validate")
def validate_command(file: ProgramFile) -> None:
    """Check a program file; exit 2 with every problem on one line if it breaks a rule."""
    program = _load(file)
    typer.echo(f"OK: {program.name}: {summary(program)}, {budget_words(program)}")


def summary(program: Program) -> str:
    """ "4 rewards (3 tasks, 1 streak), 4 call categories, 1 cap" for the OK line."""
    tasks, streaks = len(program.tasks), len(program.streaks)
    parts = [
        f"{_n(len(program.rewards), 'reward')} ({_n(tasks, 'task')}, {_n(streaks, 'streak')})",
        _n(len(program.calls.categories), "call category", "call categories"),
        _n(len(program.caps), "cap"),
    ]
    return ", ".join(parts) + f", time zone {program.timezone}"


def budget_words(program: Program) -> str:
    """ "budget 500,000 MB in total and 50,000 MB a month" or "no budget in the file"."""
    parts = [
        f"{mb:,} MB {scope}"
        for mb, scope in (
            (program.budget.total_mb, "in total"),
            (program.budget.monthly_mb, "a month"),
        )
        if mb is not None
    ]
    if not parts:
        return "no budget in the file (selfcare budget set adds one)"
    return "budget " + " and ".join(parts)


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@app.command("explain")
def explain_command(
    file: ProgramFile,
    lang: Annotated[Lang, typer.Option(help="de or en.")] = Lang.EN,
    output: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The rules in plain words: every reward (one-off or monthly), caps, which calls count."""
    if output not in ("text", "json"):
        fail(f"--format: {output!r} is not one of text, json")
    program = _load(file)
    if output == "json":
        emit_json(explain_json(program, lang.value))
    else:
        typer.echo(explain_text(program, lang.value))


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of program files, for editors that check TOML as it is typed."""
    from selfcare.program.schema import program_file_schema

    emit_json(program_file_schema())
