"""Backtest a changed program: evaluate it and its baseline over the same history, compare.

Both programs go through the evaluation service (`evaluation.service.evaluate_file`), so
`--engine duckdb` uses the bulk engine wherever it is installed and the reference evaluator
streams otherwise. The cost of one GB comes from `--cost-per-gb`, else from the changed
program's `[pilot]` table (the pilot's money settings), else the pilot's default; the
changed program's `[budget]` says which months would go over the monthly budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from selfcare.backtest.compare import Cell, Comparison, compare
from selfcare.domain.program import Program
from selfcare.evaluation.service import PYTHON, evaluate_file
from selfcare.pilot.money import MB_PER_GB
from selfcare.pilot.settings import PilotSettings, load_with_settings


@dataclass(frozen=True)
class Money:
    """What one GB granted costs the operator, and where that figure came from."""

    cents_per_gb: int
    currency: str
    source: str  # "option", "program [pilot]" or "default"

    def cost_cents(self, mb: int) -> int:
        return round(Fraction(mb * self.cents_per_gb, MB_PER_GB))


@dataclass(frozen=True)
class Backtest:
    """The comparison with what is needed to read it: programs, day, engine, money, budget."""

    program: Program
    baseline: Program
    as_of: date
    engine: str
    money: Money
    comparison: Comparison
    problems: tuple[str, ...] = ()  # invalid rows of the history, skipped by both runs

    def to_json(self) -> dict[str, Any]:
        c = self.comparison
        return {
            "as_of": self.as_of.isoformat(),
            "engine": self.engine,
            "program": self.program.id,
            "baseline": self.baseline.id,
            "cost_per_gb_cents": self.money.cents_per_gb,
            "currency": self.money.currency,
            "cost_source": self.money.source,
            "customers": {
                "evaluated": c.customers,
                "changed": c.customers_changed,
                "only_in_baseline": c.only_in_baseline,
                "only_in_new": c.only_in_new,
            },
            "months": [self._row(cell, reward=r, month=m) for (r, m), cell in c.sorted_cells()],
            "rewards": [self._row(self.total(reward=r), reward=r) for r in c.rewards()],
            "total": self._row(self.total()),
            "budget": self.budget(),
            "rows_skipped": len(self.problems),
        }

    def total(self, *, reward: str | None = None, month: str | None = None) -> Cell:
        """The cells added up (customers may be counted once per month and reward)."""
        out = Cell()
        for (r, m), cell in self.comparison.cells.items():
            if reward in (None, r) and month in (None, m):
                for name in vars(out):
                    setattr(out, name, getattr(out, name) + getattr(cell, name))
        return out

    def budget(self) -> dict[str, Any]:
        """Months whose MB under the changed program exceed its monthly budget, and the total."""
        limits = self.program.budget
        monthly = {m: self.total(month=m).mb_new for m in self.comparison.months()}
        over = [
            {"month": m, "mb": mb}
            for m, mb in monthly.items()
            if limits.monthly_mb is not None and mb > limits.monthly_mb
        ]
        mb_new = sum(monthly.values())
        return {
            "monthly_mb": limits.monthly_mb,
            "total_mb": limits.total_mb,
            "months_over": over,
            "mb_new": mb_new,
            "total_over": limits.total_mb is not None and mb_new > limits.total_mb,
        }

    def _row(self, cell: Cell, **key: str) -> dict[str, Any]:
        return {
            **key,
            "customers_baseline": cell.customers_baseline,
            "customers_new": cell.customers_new,
            "customers_gained": cell.customers_gained,
            "customers_lost": cell.customers_lost,
            "customers_changed": cell.customers_changed,
            "mb_baseline": cell.mb_baseline,
            "mb_new": cell.mb_new,
            "mb_delta": cell.mb_delta,
            "cost_delta_cents": self.money.cost_cents(cell.mb_delta),
        }


def money_for(settings: PilotSettings, *, from_file: bool, cost_per_gb: float | None) -> Money:
    if cost_per_gb is not None:
        return Money(round(cost_per_gb * 100), settings.currency, "option")
    source = "program [pilot]" if from_file else "default"
    return Money(round(settings.cost_per_gb * 100), settings.currency, source)


def run_backtest(
    *,
    program: Path,
    baseline: Path,
    events: Path,
    as_of: date,
    engine: str = PYTHON,
    cost_per_gb: float | None = None,
    on_row: Callable[[], None] | None = None,
) -> Backtest:
    """Evaluate both programs over `events` as of a day and compare their grants; the
    python engine reads the events once per program and calls `on_row` after each row."""
    new_rules, settings = load_with_settings(program)
    old_rules, _ = load_with_settings(baseline)
    money = money_for(settings, from_file=_has_pilot_table(program), cost_per_gb=cost_per_gb)
    problems: list[str] = []
    comparison = compare(
        evaluate_file(
            old_rules,
            events,
            as_of,
            engine=engine,
            on_problem=lambda p: problems.append(str(p)),
            on_row=on_row,
        ),
        evaluate_file(new_rules, events, as_of, engine=engine, on_row=on_row),
    )
    return Backtest(new_rules, old_rules, as_of, engine, money, comparison, tuple(problems))


def _has_pilot_table(path: Path) -> bool:
    import tomllib

    return "pilot" in tomllib.loads(path.read_text(encoding="utf-8"))
