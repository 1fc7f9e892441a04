"""The bulk engines by name, for the evaluation service's registry (`evaluate_file`,
`selfcare backtest --engine duckdb`): every customer's progress from a file or lake."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from selfcare.bulk.backends import connect
from selfcare.bulk.run import evaluate_path
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress


def _engine(name: str) -> Callable[[Program, Path, date], Iterator[CustomerProgress]]:
    def evaluate(program: Program, path: Path, as_of: date) -> Iterator[CustomerProgress]:
        engine = connect(name)
        try:
            yield from evaluate_path(engine, path, program, as_of)
        finally:
            engine.close()

    return evaluate


ENGINES = {"duckdb": _engine("duckdb"), "spark": _engine("spark")}
