"""The program's data budget: never overspent by a single MB, whatever runs concurrently.

Each grant reserves its MB against the total and, if set, against its month with a
conditional UPDATE; a grant that does not fit is held with the reason `budget_exhausted`
and released in order (due date, then id) once the operator raises the budget.

What counts as spent: every grant the program released for payment since it started
(pending, confirmed or rejected; held ones not), also those from before a budget was set.
Setting a budget recounts the spend from the ledger, so a budget of 7,000 MB after 10,200 MB
were granted leaves nothing to grant instead of starting again from zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from selfcare.domain.calendar import month_key
from selfcare.domain.ledger import TOTAL, Budget, GrantRecord, GrantStatus
from selfcare.domain.program import Program
from selfcare.errors import InvalidInput
from selfcare.store.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    """What the operator sees: the limits, what is reserved, and what waits for budget."""

    program_id: str
    total_mb: int | None
    monthly_mb: int | None
    spent_total_mb: int
    spent_by_month: dict[str, int]
    held_grants: int
    held_mb: int
    released: tuple[str, ...] = ()

    @property
    def left_total_mb(self) -> int | None:
        """MB that may still be granted under the total (None: no total limit)."""
        return None if self.total_mb is None else max(0, self.total_mb - self.spent_total_mb)


SPEND_RULE = (
    "spent counts every grant released under the program since it started "
    "(pending, confirmed or rejected), also before the budget was set; held grants do not count"
)


def limits(
    uow: UnitOfWork, program: Program, now: datetime, unreserved: Sequence[GrantRecord] = ()
) -> Budget | None:
    """The budget in force; the program file's budget seeds it the first time, counting
    what was granted before (except `unreserved`: new grants about to reserve their MB)."""
    row = uow.budgets.get(program.id)
    if row is None and (program.budget.total_mb or program.budget.monthly_mb):
        uow.budgets.put(
            program.id,
            total_mb=program.budget.total_mb,
            monthly_mb=program.budget.monthly_mb,
            now=now,
            only_if_missing=True,
        )
        recount(uow, program.id, unreserved)
        row = uow.budgets.get(program.id)
    return row


def recount(uow: UnitOfWork, program_id: str, unreserved: Sequence[GrantRecord] = ()) -> None:
    """Set the spend counters to what the ledger released, in total and per month."""
    uow.budgets.lock_spent(program_id)
    by_month = released_by_month(uow, program_id)
    for grant in unreserved:
        by_month[month_key(grant.granted_on)] -= grant.amount_mb
    uow.budgets.set_spent(program_id, {TOTAL: sum(by_month.values()), **by_month})


def released_by_month(uow: UnitOfWork, program_id: str) -> dict[str, int]:
    """MB the ledger released for payment (everything but held grants), per month."""
    by_month: dict[str, int] = {}
    for day, mb in uow.grants.released_mb_by_day(program_id).items():
        by_month[month_key(day)] = by_month.get(month_key(day), 0) + mb
    return by_month


def admit(
    uow: UnitOfWork, program: Program, grants: Sequence[GrantRecord], now: datetime
) -> list[str]:
    """Reserve budget for new grants in order; return the ids of those that must be held."""
    budget = limits(uow, program, now, unreserved=grants)
    if budget is None or not budget.limited:
        return []
    held = []
    for grant in sorted(grants, key=lambda g: (g.granted_on, g.grant_id)):
        if _reserve(uow, budget, grant) is not None:
            held.append(grant.grant_id)
    return held


def _reserve(uow: UnitOfWork, budget: Budget, grant: GrantRecord) -> str | None:
    """Reserve one grant's MB; None when it fits, else the scope that is exhausted."""
    month = month_key(grant.granted_on)
    if budget.total_mb is not None and not uow.budgets.reserve(
        budget.program_id, TOTAL, grant.amount_mb
    ):
        return TOTAL
    if budget.monthly_mb is not None and not uow.budgets.reserve(
        budget.program_id, month, grant.amount_mb
    ):
        if budget.total_mb is not None:
            uow.budgets.unreserve(budget.program_id, TOTAL, grant.amount_mb)
        return month
    return None


def release_held(uow: UnitOfWork, program: Program, now: datetime) -> list[str]:
    """Release held grants that fit now, strictly in order within each budget scope.

    A grant never overtakes an earlier held one competing for the same budget: once the
    total is exhausted nothing more is released; once a month is, nothing of that month.
    """
    budget = limits(uow, program, now)
    released: list[str] = []
    total_blocked, months_blocked = False, set[str]()
    for grant in uow.grants.held_in_order(program.id):
        month = month_key(grant.granted_on)
        if total_blocked or month in months_blocked:
            continue
        scope = None if budget is None else _reserve(uow, budget, grant)
        if scope == TOTAL:
            total_blocked = True
        elif scope is not None:
            months_blocked.add(scope)
        else:
            released.append(grant.grant_id)
    uow.grants.mark(released, status=GrantStatus.PENDING, hold_reason=None, released_at=now)
    uow.outbox.add(released, now)
    return released


def set_budget(
    *,
    uow: Callable[[], UnitOfWork],
    program: Program,
    total_mb: int | None,
    monthly_mb: int | None,
    clock: Callable[[], datetime],
) -> BudgetStatus:
    """Set the budget (None: no limit) and release the held grants that now fit."""
    for name, value in (("total_mb", total_mb), ("monthly_mb", monthly_mb)):
        if value is not None and value < 0:
            raise InvalidInput(f"{name}: must be 0 or more MB, got {value}")
    now = clock()
    with uow() as work:
        work.budgets.put(program.id, total_mb=total_mb, monthly_mb=monthly_mb, now=now)
        recount(work, program.id)
        released = release_held(work, program, now)
        work.commit()
    status = budget_status(uow=uow, program=program, clock=clock)
    return replace(status, released=tuple(released))


def budget_status(
    *, uow: Callable[[], UnitOfWork], program: Program, clock: Callable[[], datetime]
) -> BudgetStatus:
    """The budget in force, what is spent (read from the ledger, the truth the counters
    follow), and what is held for lack of budget."""
    with uow() as work:
        budget = limits(work, program, clock())
        by_month = released_by_month(work, program.id)
        held_count, held_mb = work.grants.totals_by_status(program.id).get(GrantStatus.HELD, (0, 0))
        work.commit()
    return BudgetStatus(
        program_id=program.id,
        total_mb=budget.total_mb if budget else None,
        monthly_mb=budget.monthly_mb if budget else None,
        spent_total_mb=sum(by_month.values()),
        spent_by_month=dict(sorted(by_month.items())),
        held_grants=held_count,
        held_mb=held_mb,
    )
