"""`selfcare evaluate`: what every customer earned, what is pending, and why."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from selfcare.cli.common import OutputFormat, emit_json, fail
from selfcare.domain.evaluator import evaluate
from selfcare.domain.progress import Progress, progress_to_json
from selfcare.errors import SelfcareError
from selfcare.ingest.event_files import read_events
from selfcare.program.load import bundled_example, load_program


def evaluate_command(
    events: Annotated[Path, typer.Option(help="Events as JSON Lines (.jsonl) or CSV (.csv).")],
    as_of: Annotated[str, typer.Option("--as-of", help="Day to evaluate, YYYY-MM-DD.")],
    program: Annotated[
        Path | None, typer.Option(help="Program TOML (default: the bundled example).")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
    strict: Annotated[bool, typer.Option(help="Exit 2 if any row is invalid.")] = False,
    engine: Annotated[str, typer.Option(help="python (reference evaluator).")] = "python",
) -> None:
    """Evaluate a program over an event history as of a day."""
    if engine != "python":
        fail(f"--engine: {engine!r} is not available; use python")
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        fail(f"--as-of: {as_of!r} is not a date like 2026-03-01")
    try:
        rules = load_program(program) if program else bundled_example()
        read = read_events(events)
    except SelfcareError as exc:
        fail(str(exc))
    for problem in read.problems:
        sys.stderr.write(f"skipped: {problem}\n")
    if read.problems and strict:
        fail(f"{events}: {len(read.problems)} invalid row(s); nothing evaluated (--strict)")
    result = evaluate(rules, read.events, day)
    if output is OutputFormat.JSON:
        emit_json(progress_to_json(result))
    else:
        print_progress(result, skipped=len(read.problems))


def print_progress(progress: Progress, *, skipped: int) -> None:
    """One section per customer: people read grants and call verdicts, not a wide grid."""
    console = Console()
    console.print(f"[bold]Progress as of {progress.as_of.isoformat()}[/]")
    for c in progress.customers:
        enrolled = f"enrolled {c.enrolled_on}" if c.enrolled_on else "not enrolled"
        console.rule(f"{c.customer_id}: {c.earned_mb} MB earned ({enrolled})", align="left")
        if c.grants or c.pending:
            table = Table(show_header=True, box=None, pad_edge=False)
            for column in ("reward", "MB", "period", "when", "status"):
                table.add_column(column)
            for g in c.grants:
                table.add_row(g.reward, str(g.amount_mb), g.period, str(g.granted_on), "granted")
            for p in c.pending:
                table.add_row(
                    p.reward,
                    str(p.amount_mb),
                    p.period,
                    str(p.due_on or "-"),
                    f"{p.reason}: {p.explanation}",
                )
            console.print(table)
        for s in c.streaks:
            console.print(f"streak {s.reward}: [bold]{s.status.value}[/] {s.explanation}")
        for x in c.calls:
            mark = "[red]counts[/]" if x.counts else "[green]does not count[/]"
            console.print(
                f"  call {x.event_id} ({x.occurred_at:%Y-%m-%d}): {mark}, "
                f"{x.category}: {x.explanation}"
            )
    if skipped:
        console.print(f"[yellow]{skipped} invalid row(s) skipped; see messages above.[/]")
