"""What every command shares: one JSON document on stdout, one-line errors with exit code 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any, NoReturn

import typer


class OutputFormat(StrEnum):
    """`table` for people, `json` for scripts (one document on stdout, nothing else)."""

    TABLE = "table"
    JSON = "json"


class Lang(StrEnum):
    DE = "de"
    EN = "en"


def fail(message: str) -> NoReturn:
    """Stop with a one-line message on stderr and exit code 2 (bad input)."""
    sys.stderr.write(" ".join(message.split()) + "\n")
    raise typer.Exit(code=2)


def emit_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Aligned columns under a header row; an empty value shows as "-" (never "None")."""
    cells = [list(header)] + [["-" if v is None or v == "" else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        sys.stdout.write("\n")


def serve_internal_metrics(app: Any) -> Callable[[], None]:
    """With SELFCARE_METRICS_PORT, serve /metrics without a key on SELFCARE_METRICS_HOST
    (default 127.0.0.1: an internal address for Prometheus) for as long as a long-running
    command (`serve`, `relay`) runs; returns the function that stops it."""
    settings = app.settings
    if settings.metrics_port is None:
        return lambda: None
    from selfcare.telemetry.metrics import serve_metrics

    port, stop = serve_metrics(app.metrics, host=settings.metrics_host, port=settings.metrics_port)
    sys.stderr.write(f"selfcare: metrics on http://{settings.metrics_host}:{port}/metrics\n")
    return stop
