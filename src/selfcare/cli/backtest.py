"""`selfcare backtest`: what a changed program would grant and cost on the real history."""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from selfcare.cli.common import Lang, bounded, bounded_day, emit_json, fail, print_table
from selfcare.cli.progress import counting, row_progress
from selfcare.errors import SelfcareError

MAX_COST_PER_GB = 1_000.0  # EUR; far beyond any wholesale price of data volume


class BacktestFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def backtest_command(
    program: Annotated[Path, typer.Option(help="The changed program (TOML).")],
    baseline: Annotated[Path, typer.Option(help="The program in force now (TOML).")],
    events: Annotated[
        Path, typer.Option(help="The history: JSON Lines, CSV or Parquet (a data lake export).")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Day to evaluate, YYYY-MM-DD (default: today, Europe/Berlin).",
            callback=lambda v: v if v is None else bounded_day("--as-of")(v),
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="python (streaming) or duckdb.")] = "python",
    output_format: Annotated[BacktestFormat, typer.Option("--format")] = BacktestFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option(help="Also write an HTML report with a per-month chart.")
    ] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the text and HTML report.")] = Lang.EN,
    cost_per_gb: Annotated[
        float | None,
        typer.Option(
            help="Cost of one GB granted (default: the program's [pilot] cost_per_gb).",
            callback=bounded("--cost-per-gb", 0.0, MAX_COST_PER_GB),
        ),
    ] = None,
) -> None:
    """Evaluate the changed program and its baseline on the same history and compare."""
    from selfcare.backtest.report import html_page, summary_lines, table_rows
    from selfcare.backtest.service import run_backtest

    day = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo("Europe/Berlin")).date()
    shown = output_format is BacktestFormat.TEXT
    try:
        with row_progress(f"backtest: reading {events.name} once per program", shown=shown) as show:
            result = run_backtest(
                program=program,
                baseline=baseline,
                events=events,
                as_of=day,
                engine=engine,
                cost_per_gb=cost_per_gb,
                on_row=counting(show),
            )
        if output is not None:
            output.write_text(html_page(result, lang.value), encoding="utf-8")
    except SelfcareError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.filename or output}: {exc.strerror or exc}")
    for problem in result.problems:
        sys.stderr.write(f"skipped: {problem}\n")
    if output_format is BacktestFormat.JSON:
        emit_json(result.to_json())
        return
    for line in summary_lines(result, lang.value):
        sys.stdout.write(line + "\n")
    header, rows = table_rows(result, lang.value)
    print_table(header, rows)
