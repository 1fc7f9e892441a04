"""What the metrics scrape reads from the database: outbox backlog and budget left.

One read-only unit of work and three small queries (the open outbox rows through their
partial index, the budget row, the reserved MB per period), so a scrape every few seconds
costs the database next to nothing. Nothing is written: a budget not yet seeded from the
program file is read from the program file, as the first grant would seed it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from selfcare.domain.calendar import local_date, month_key
from selfcare.domain.ledger import TOTAL, Budget
from selfcare.domain.program import Program
from selfcare.store.ports import UnitOfWork
from selfcare.telemetry.metrics import Readings


def read_operations(
    *, uow: Callable[..., UnitOfWork], program: Program, clock: Callable[[], datetime]
) -> Readings:
    """The outbox depth, the age of its oldest open top-up and the budget left now."""
    now = clock()
    with uow(read_only=True) as work:
        backlog = work.outbox.backlog()
        budget = work.budgets.get(program.id)
        spent = work.budgets.spent(program.id)
    oldest = backlog.oldest_created_at
    age = None if oldest is None else max(0.0, (now - oldest).total_seconds())
    month = month_key(local_date(now, program.zone))
    return Readings(
        outbox_open=backlog.open,
        oldest_open_age_s=age,
        budget_left_mb=budget_left(_limits(budget, program), spent, month),
    )


def _limits(stored: Budget | None, program: Program) -> tuple[int | None, int | None]:
    if stored is not None:
        return stored.total_mb, stored.monthly_mb
    return program.budget.total_mb, program.budget.monthly_mb


def budget_left(
    limits: tuple[int | None, int | None], spent: dict[str, int], month: str
) -> dict[str, int]:
    """MB left per limited scope: `total` and this `month` (an unlimited scope is absent)."""
    total_mb, monthly_mb = limits
    left: dict[str, int] = {}
    if total_mb is not None:
        left["total"] = total_mb - spent.get(TOTAL, sum(spent.values()))
    if monthly_mb is not None:
        left["month"] = monthly_mb - spent.get(month, 0)
    return left
