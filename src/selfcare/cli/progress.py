"""A Rich progress line for long CLI work (`ingest`, `evaluate`, `backtest`), on a
terminal only.

Scripts read stdout and logs read stderr: a bar there would be noise, so it shows only
when stderr is a terminal and the output is for people (not `--format json`). Tests force
either side through `on_terminal`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

Advance = Callable[[int], None]
"""Tells the bar how many rows are done so far (a running total, not an increment)."""


def on_terminal() -> bool:
    """Whether stderr is a terminal (a person watching), not a pipe, file or log."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def row_progress(label: str, *, shown: bool) -> Iterator[Advance]:
    """A progress line counting rows while the block runs; silent unless `shown` and on a
    terminal. Yields the function that moves it; the line disappears at the end."""
    if not (shown and on_terminal()):
        yield _ignore
        return
    console = Console(file=sys.stderr, force_terminal=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(rows: int) -> None:
            bar.update(task, completed=rows)

        yield advance


def counting(show: Advance, every: int = 10_000) -> Callable[[], None]:
    """A row-by-row callback that moves the line every `every` rows: a bar update per row
    would cost more than reading the row."""
    rows = 0

    def one_more() -> None:
        nonlocal rows
        rows += 1
        if rows % every == 0:
            show(rows)

    return one_more


def _ignore(rows: int) -> None:
    """The silent bar's advance."""
    del rows
