"""What every command shares: one JSON document on stdout, one-line errors with exit code 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

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


Number = TypeVar("Number", int, float)

# Bounds shared by the commands, the same as the API's where the API has the figure.
MAX_PORT = 65_535
MAX_TOKEN_DAYS = 366  # web/api/schemas.py TokenCreate.ttl_days
MAX_KBPS = 100_000_000  # 100 Gbit/s: far beyond any access line (web/api/speedcheck.py)
MAX_PRICE_CENTS = 10_000_000  # web/api/speedcheck.py
MAX_BUDGET_MB = 10**12  # a petabyte of data volume: beyond any program's budget
MAX_LIST = 100_000
MAX_WORKERS = 256
MAX_DELAY_S = 3_600.0
MAX_SEED = 2**63 - 1
EARLIEST_DAY, LATEST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def bounded(option: str, low: Number, high: Number) -> Callable[[Number | None], Number | None]:
    """A typer callback that refuses a value outside [low, high] with one line and exit 2.

    Used instead of typer's `min=`/`max=`, whose refusal is a multi-line box, and on every
    numeric option: a value the code below cannot handle (a token for 9,999,999 days) must
    be refused before it is a traceback.
    """

    def check(value: Number | None) -> Number | None:
        if value is not None and not low <= value <= high:
            fail(f"{option}: {value} is out of range; give {low} to {high}")
        return value

    return check


def bounded_day(option: str) -> Callable[[str], str]:
    """A typer callback for a day `YYYY-MM-DD` between 1970 and 2999, so that calendar
    arithmetic (nine months on, a grace after) stays within what `date` can hold."""

    def check(text: str) -> str:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            fail(f"{option}: {text!r} is not a date like 2026-03-01")
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            fail(f"{option}: {text} is out of range; give {EARLIEST_DAY} to {LATEST_DAY}")
        return text

    return check


def counted(number: int, thing: str, things: str | None = None) -> str:
    """ "1 duplicate", "3 duplicates", "0 conflicts": never "1 duplicates"."""
    return f"{number} {thing if number == 1 else things or thing + 's'}"


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
