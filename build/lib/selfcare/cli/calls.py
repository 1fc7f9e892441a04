"""`selfcare calls check`: would this call count? Answered before the customer calls."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selfcare.cli.common import Lang, OutputFormat, emit_json, fail
from selfcare.domain.calls import classify_text
from selfcare.errors import SelfcareError
from selfcare.program.explain import describe_verdict
from selfcare.program.load import bundled_example, load_program

app = typer.Typer(no_args_is_help=True, help="Would this call count? Classify a contact.")


@app.command("check")
def check_command(
    text: Annotated[str, typer.Argument(help="What the customer says or the agent noted.")],
    reason_code: Annotated[
        str | None, typer.Option("--reason-code", help="The agent's wrap-up reason code.")
    ] = None,
    program: Annotated[
        Path | None, typer.Option(help="Program TOML (default: the bundled example).")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
    lang: Annotated[Lang, typer.Option(help="Language of the table answer.")] = Lang.EN,
) -> None:
    """Classify a call by reason code and words, and say whether it counts and why."""
    try:
        rules = (load_program(program) if program else bundled_example()).calls
    except SelfcareError as exc:
        fail(str(exc))
    verdict = classify_text(text, reason_code=reason_code, rules=rules)
    if output is OutputFormat.JSON:
        emit_json(
            {
                "category": verdict.category,
                "counts": verdict.counts,
                "explanation": verdict.explanation,
                "matched": list(verdict.matched),
                "rule": verdict.rule,
                "benefit_of_the_doubt": verdict.benefit_of_the_doubt,
            }
        )
    else:
        typer.echo(describe_verdict(verdict, rules, lang.value))
