"""`selfcare evaluate`: what every customer earned, what is pending, and why."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from selfcare.bulk.facts import write_progress_facts
from selfcare.cli.common import bounded, bounded_day, fail
from selfcare.cli.progress import counting, row_progress
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress
from selfcare.errors import SelfcareError
from selfcare.evaluation.output import (
    document_part,
    json_line,
    write_document,
    write_document_parts,
    write_lines,
    write_rendered_lines,
)
from selfcare.evaluation.service import Tally, rendered_stream, unrendered, valid_events
from selfcare.ingest.rows import RowProblem
from selfcare.program.load import bundled_example, load_program
from selfcare.program.reasons import (
    explanation,
    pending_reason,
    period_word,
    reward_title,
    status_word,
    topic,
)

MAX_WORKERS = 64
"""More processes than this gain nothing on any machine this runs on."""

PROGRESS_EVERY = 10_000
Rendered = TypeVar("Rendered")


class EvaluateFormat(StrEnum):
    """`table` for people; `json`, one document; `jsonl`, one customer per line; `none`,
    nothing on stdout (the nightly run: only the facts of `--output`)."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    NONE = "none"


class EvaluateEngine(StrEnum):
    """Which engine evaluates: the reference, or one of the bulk engines."""

    PYTHON = "python"
    DUCKDB = "duckdb"
    SPARK = "spark"


def evaluate_command(
    events: Annotated[
        Path,
        typer.Option(
            help="Events as JSON Lines (.jsonl), CSV (.csv) or Parquet (.parquet), any order."
        ),
    ],
    as_of: Annotated[
        str,
        typer.Option(
            "--as-of", help="Day to evaluate, YYYY-MM-DD.", callback=bounded_day("--as-of")
        ),
    ],
    program: Annotated[
        Path | None, typer.Option(help="Program TOML (default: the bundled example).")
    ] = None,
    output: Annotated[EvaluateFormat, typer.Option("--format")] = EvaluateFormat.TABLE,
    strict: Annotated[bool, typer.Option(help="Exit 2 if any row is invalid.")] = False,
    engine: Annotated[
        EvaluateEngine,
        typer.Option(
            help="python (reference evaluator), duckdb (embedded bulk engine) or spark "
            "(local, or the cluster at --spark-master); all give the same answers."
        ),
    ] = EvaluateEngine.PYTHON,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master", help="Spark master URL, e.g. spark://host:7077 (--engine spark)."
        ),
    ] = None,
    results: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Also write the facts as Parquet (one row per customer and reward; "
            "docs/bulk.md); on duckdb|spark computed and written by the engine.",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes projecting customers (--engine python); 1: this process only.",
            callback=bounded("--workers", 1, MAX_WORKERS),
        ),
    ] = 1,
) -> None:
    """Evaluate a program over an event history as of a day, customer by customer.

    --events may be a file (.jsonl, .csv, .parquet) or a folder (a data lake; on
    duckdb|spark a Parquet lake, hive partitions such as month=2025-06/ allowed).
    """
    if spark_master is not None and engine is not EvaluateEngine.SPARK:
        fail("--spark-master: only with --engine spark")
    if workers > 1 and engine is not EvaluateEngine.PYTHON:
        fail("--workers: only with --engine python (the bulk engines use their own threads)")
    if results is not None and results.suffix.lower() not in (".parquet", ".pq"):
        fail(f"--output: {str(results)!r} must end in .parquet")
    day = date.fromisoformat(as_of)  # checked by its option's callback
    try:
        rules = load_program(program) if program else bundled_example()
        if engine is EvaluateEngine.PYTHON and results is None and output in _RENDERED:
            _write_rendered(rules, events, day, output=output, strict=strict, workers=workers)
            return
        if engine is EvaluateEngine.PYTHON:
            shown = output is EvaluateFormat.TABLE
            everyone, skipped = _run(
                rules, events, day, shown=shown, workers=workers, render=unrendered
            )
            if skipped and strict:
                fail(f"{events}: {skipped} invalid row(s); nothing evaluated (--strict)")
            if results is not None:
                everyone = write_progress_facts(rules, everyone, results)
        else:
            everyone, skipped = _run_bulk(
                rules, events, day, engine.value, spark_master, results=results, output=output
            )
            if skipped and strict:
                fail(f"{events}: {skipped} invalid row(s); nothing evaluated (--strict)")
        _write(everyone, day, output=output, skipped=skipped)
    except SelfcareError as exc:
        fail(str(exc))


def _run(
    rules: Program,
    events: Path,
    day: date,
    *,
    shown: bool,
    workers: int,
    render: Callable[[CustomerProgress], Rendered],
) -> tuple[Iterator[Rendered], int]:
    """Read, group and evaluate as a stream; every row is read before the first customer.
    Each customer comes as `render` made it (in the worker that projected it)."""
    tally = Tally()
    with row_progress(f"reading {events.name}", shown=shown) as show:
        read = counting(show, PROGRESS_EVERY)
        stream = valid_events(events, tally=tally, on_problem=_skip, on_row=read)
        customers = rendered_stream(rules, stream, day, render=render, tally=tally, workers=workers)
        first = next(customers, None)
    everyone = chain([first], customers) if first is not None else iter(())
    return everyone, tally.problems


def _write_rendered(
    rules: Program, events: Path, day: date, *, output: EvaluateFormat, strict: bool, workers: int
) -> None:
    """JSON or JSON Lines, each customer rendered where it was projected (`_RENDERED`)."""
    parts, skipped = _run(
        rules, events, day, shown=False, workers=workers, render=_RENDERED[output]
    )
    if skipped and strict:
        fail(f"{events}: {skipped} invalid row(s); nothing evaluated (--strict)")
    if output is EvaluateFormat.JSON:
        write_document_parts(day, parts, sys.stdout)
    else:
        write_rendered_lines(parts, sys.stdout)


_RENDERED: dict[EvaluateFormat, Callable[[CustomerProgress], str]] = {
    EvaluateFormat.JSON: document_part,
    EvaluateFormat.JSONL: json_line,
}
"""The formats written as text: each customer is rendered where it is projected (with
`--workers`, in the worker), so this process only writes what comes back."""


def _run_bulk(
    rules: Program,
    events: Path,
    day: date,
    engine: str,
    spark_master: str | None,
    *,
    results: Path | None,
    output: EvaluateFormat,
) -> tuple[Iterator[CustomerProgress], int]:
    """The bulk engine writes the facts itself (`--output`) and computes every customer's
    words before the first is written (any other format)."""
    from selfcare.bulk.backends import connect
    from selfcare.bulk.run import BulkRun, evaluate_path, facts_path

    connection = connect(engine, spark_master=spark_master)
    run = BulkRun()
    in_engine = results is not None and engine == "duckdb"
    if in_engine and results is not None:
        facts_path(connection, events, rules, day, results, run=run)
        if output is EvaluateFormat.NONE:
            _report(run, events)
            return iter(()), run.refused
    customers = evaluate_path(connection, events, rules, day, run)
    if results is not None and not in_engine:
        # Spark: the facts from the assembled results (its cap rounds in SQL ran out of
        # driver heap in the tests; docs/bulk.md), the same rows by construction
        customers = write_progress_facts(rules, customers, results)
    first = next(customers, None)
    _report(run, events)
    everyone = chain([first], customers) if first is not None else iter(())
    return everyone, run.refused


def _report(run: Any, events: Path) -> None:
    """What the bulk run refused or decided in Python, on stderr (stdout stays the same)."""
    if run.refused:
        sys.stderr.write(
            f"skipped: {run.refused} invalid row(s) in {events} "
            "(--engine python names each row and field)\n"
        )
    if run.texts.python:  # the explicit fallback: never silent, never on stdout
        sys.stderr.write(run.texts.line() + "\n")


def _write(
    everyone: Iterator[CustomerProgress], day: date, *, output: EvaluateFormat, skipped: int
) -> None:
    if output is EvaluateFormat.JSON:
        write_document(day, everyone, sys.stdout)
    elif output is EvaluateFormat.JSONL:
        write_lines(everyone, sys.stdout)
    elif output is EvaluateFormat.NONE:
        for _ in everyone:  # the facts of --output are written as the customers pass
            pass
    else:
        print_progress(day, everyone, skipped=skipped)


def _skip(problem: RowProblem) -> None:
    sys.stderr.write(f"skipped: {problem}\n")


CONSOLE_WORDS = {
    "en": {
        "progress": "Progress as of",
        "earned": "MB earned",
        "enrolled": "enrolled",
        "not_enrolled": "not enrolled",
        "columns": ("reward", "MB", "period", "when", "status"),
        "granted": "granted",
        "streak": "streak",
        "call": "call",
        "counts": "counts",
        "free": "does not count",
        "skipped": "{n} invalid row(s) skipped; see messages above.",
    },
    "de": {
        "progress": "Stand",
        "earned": "MB erworben",
        "enrolled": "angemeldet am",
        "not_enrolled": "nicht angemeldet",
        "columns": ("Bonus", "MB", "Zeitraum", "wann", "Status"),
        "granted": "gutgeschrieben",
        "streak": "Serie",
        "call": "Anruf",
        "counts": "zählt",
        "free": "zählt nicht",
        "skipped": "{n} ungültige Zeile(n) übersprungen; siehe die Meldungen oben.",
    },
}


def print_progress(
    as_of: date,
    customers: Iterable[CustomerProgress],
    *,
    skipped: int,
    lang: str = "en",
    program: Program | None = None,
) -> None:
    """One section per customer: people read grants and call verdicts, not a wide grid.
    In German every word is German: the evaluator's explanations are written again by
    `program.reasons`, rewards and topics carry the program's German titles."""
    w: dict[str, Any] = CONSOLE_WORDS["de" if lang == "de" else "en"]
    say = _Words(lang, program)
    console = Console()
    console.print(f"[bold]{w['progress']} {as_of.isoformat()}[/]")
    for c in customers:
        enrolled = f"{w['enrolled']} {c.enrolled_on}" if c.enrolled_on else w["not_enrolled"]
        console.rule(f"{c.customer_id}: {c.earned_mb} {w['earned']} ({enrolled})", align="left")
        if c.grants or c.pending:
            table = Table(show_header=True, box=None, pad_edge=False)
            for column in w["columns"]:
                table.add_column(column)
            for g in c.grants:
                day = str(g.granted_on)
                table.add_row(
                    say.reward(g.reward), str(g.amount_mb), say.period(g.period), day, w["granted"]
                )
            for p in c.pending:
                table.add_row(
                    say.reward(p.reward),
                    str(p.amount_mb),
                    say.period(p.period),
                    str(p.due_on or "-"),
                    f"{say.reason(p.reason)}: {say.why(p.explanation)}",
                )
            console.print(table)
        for s in c.streaks:
            console.print(
                f"{w['streak']} {say.reward(s.reward)}: [bold]{say.status(s.status.value)}[/] "
                f"{say.why(s.explanation)}"
            )
        for x in c.calls:
            mark = f"[red]{w['counts']}[/]" if x.counts else f"[green]{w['free']}[/]"
            console.print(
                f"  {w['call']} {x.event_id} ({x.occurred_at:%Y-%m-%d}): {mark}, "
                f"{say.topic(x.category)}: {say.why(x.explanation)}"
            )
    if skipped:
        console.print(f"[yellow]{w['skipped'].format(n=skipped)}[/]")


class _Words:
    """The values a progress section names, in the section's language. English keeps the
    ids and the evaluator's words as they are (scripts read them)."""

    def __init__(self, lang: str, program: Program | None) -> None:
        self.german = lang == "de"
        self.program = program

    def why(self, text: str) -> str:
        return explanation(text, "de", self.program) if self.german else text

    def status(self, status: str) -> str:
        return status_word(status, "de") if self.german else status

    def period(self, period: str) -> str:
        return period_word(period, "de") if self.german else period

    def reason(self, reason: str) -> str:
        return pending_reason(reason, "de") if self.german else reason

    def reward(self, reward_id: str) -> str:
        return reward_title(reward_id, "de", self.program) if self.german else reward_id

    def topic(self, name: str) -> str:
        return topic(name, "de", self.program) if self.german else name
