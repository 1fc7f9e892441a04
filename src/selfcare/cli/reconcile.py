"""`selfcare reconcile --engine duckdb|python`: the whole ledger against files, set-based.

Without `--engine`, `reconcile` compares the database's ledger with the charging system's
API (cli/service.py). With it, it compares exports: the expected grants (a file, or
computed from `--program`, `--events` and `--as-of` through the evaluation service), the
ledger export and the charging system's export, and writes every difference to `--output`.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import typer

from selfcare.cli.common import OutputFormat, emit_json, fail
from selfcare.errors import SelfcareError


def reconcile_files_command(
    *,
    engine: str,
    ledger: Path | None,
    charging: Path | None,
    output: Path | None,
    expected: Path | None,
    program: Path | None,
    events: Path | None,
    as_of: str | None,
    output_format: OutputFormat,
) -> None:
    """Parse what the file-based reconciliation needs, run it, print the summary."""
    from selfcare.grants.reconcile_sql import ENGINES, reconcile_files

    if engine not in ENGINES:
        fail(f"--engine: {engine!r} is not available for reconcile; use {', '.join(ENGINES)}")
    if ledger is None or charging is None or output is None:
        fail("reconcile --engine: give --ledger FILE, --charging FILE and --output FILE")
    if expected is not None and events is not None:
        fail("reconcile: give --expected FILE or --events FILE (to compute them), not both")
    try:
        with tempfile.TemporaryDirectory() as folder:
            if events is not None:
                expected = _computed(program, events, as_of, Path(folder) / "expected.parquet")
            summary = reconcile_files(
                ledger=ledger, charging=charging, output=output, expected=expected, engine=engine
            )
    except SelfcareError as exc:
        fail(str(exc))
    if output_format is OutputFormat.JSON:
        emit_json(summary.to_json(output))
    else:
        counted = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items()))
        sys.stdout.write(
            f"{summary.expected if summary.expected is not None else '-'} expected grants, "
            f"{summary.ledger} in the ledger, {summary.applied} top-ups applied: "
            f"{counted or 'no differences'}; written to {output}\n"
        )
    if summary.differences:
        raise typer.Exit(code=1)


def _computed(program: Path | None, events: Path, as_of: str | None, path: Path) -> Path:
    """The expected grants from the evaluation service (python streams; duckdb if installed)."""
    from selfcare.evaluation.service import evaluate_file
    from selfcare.grants.reconcile_files import write_expected
    from selfcare.program.load import bundled_example, load_program

    if as_of is None:
        fail("reconcile --events: give --as-of YYYY-MM-DD as well")
    rules = load_program(program) if program else bundled_example()
    write_expected(evaluate_file(rules, events, date.fromisoformat(as_of)), path)
    return path
