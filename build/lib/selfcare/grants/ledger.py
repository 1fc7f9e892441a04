"""The grants ledger: each due bonus written exactly once, with its top-up in the outbox.

A grant's id is derived from (program, customer, reward, period), so the same bonus always
has the same id: it is the `Idempotency-Key` of its top-up, and writing it twice is a no-op
(the ledger's unique key is customer, reward, period). The grant and its outbox entry are
written in the caller's transaction, the one that stored the events that earned it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from selfcare.domain.program import Program
from selfcare.domain.progress import Grant
from selfcare.grants.budget import BUDGET_EXHAUSTED, NewGrant, admit
from selfcare.grants.charging import ChargingClient
from selfcare.grants.reconcile import ReconciliationReport, compare
from selfcare.store.ledger_repository import HELD, PENDING
from selfcare.store.tables import GrantRow
from selfcare.store.unit_of_work import UnitOfWork

GRANT_NAMESPACE = uuid.UUID("8d3a52b6-6f1e-4d8e-9a59-3f0c1b7e2a10")


def grant_id(program_id: str, customer_id: str, reward: str, period: str) -> str:
    """The one id a bonus ever has (a UUID derived from what makes it unique)."""
    return str(uuid.uuid5(GRANT_NAMESPACE, "\x1f".join((program_id, customer_id, reward, period))))


@dataclass(frozen=True, slots=True)
class GrantRecord:
    """A ledger entry as services hand it out (status: pending, held or confirmed)."""

    grant_id: str
    program_id: str
    customer_id: str
    reward: str
    period: str
    amount_mb: int
    granted_on: date
    status: str
    hold_reason: str | None
    created_at: datetime
    confirmed_at: datetime | None
    charging_id: str | None

    @classmethod
    def from_row(cls, row: GrantRow) -> GrantRecord:
        return cls(
            grant_id=row.id,
            program_id=row.program_id,
            customer_id=row.customer_id,
            reward=row.reward,
            period=row.period,
            amount_mb=row.amount_mb,
            granted_on=row.granted_on,
            status=row.status,
            hold_reason=row.hold_reason,
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            charging_id=row.charging_id,
        )


@dataclass(frozen=True, slots=True)
class Recorded:
    """What one write to the ledger added: new grants, and which of them wait for budget."""

    new: tuple[str, ...] = ()
    held: tuple[str, ...] = ()


def record_grants(
    uow: UnitOfWork, *, program: Program, due: Iterable[tuple[str, Grant]], now: datetime
) -> Recorded:
    """Write the due grants not yet in the ledger, reserve budget, queue their top-ups.

    `due` holds (customer_id, grant) pairs, typically everything the evaluator says is due;
    those already in the ledger are skipped by the database's unique key.
    """
    values = [_values(program.id, customer_id, grant, now) for customer_id, grant in due]
    new_ids = uow.grants.insert_new(values)
    if not new_ids:
        return Recorded()
    new = [
        NewGrant(str(v["id"]), v["granted_on"], v["amount_mb"])
        for v in values
        if v["id"] in new_ids
    ]
    held = admit(uow, program, new, now)
    uow.grants.mark(held, status=HELD, hold_reason=BUDGET_EXHAUSTED)
    held_set = set(held)
    uow.outbox.add([g.id for g in new if g.id not in held_set], now)
    return Recorded(new=tuple(sorted(new_ids)), held=tuple(sorted(held)))


def _values(program_id: str, customer_id: str, grant: Grant, now: datetime) -> dict[str, Any]:
    return {
        "id": grant_id(program_id, customer_id, grant.reward, grant.period),
        "program_id": program_id,
        "customer_id": customer_id,
        "reward": grant.reward,
        "period": grant.period,
        "amount_mb": grant.amount_mb,
        "granted_on": grant.granted_on,
        "status": PENDING,
        "hold_reason": None,
        "created_at": now,
    }


def customer_grants(*, uow: Callable[..., UnitOfWork], customer_id: str) -> list[GrantRecord]:
    """Every grant of one customer, oldest first (empty for an unknown customer)."""
    with uow(read_only=True) as work:
        return [GrantRecord.from_row(r) for r in work.grants.for_customer(customer_id)]


def list_grants(
    *,
    uow: Callable[..., UnitOfWork],
    program_id: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[GrantRecord]:
    """Grants of the ledger, by due date then id; filter by program and status."""
    with uow(read_only=True) as work:
        rows = work.grants.list_(program_id=program_id, status=status, limit=limit)
        return [GrantRecord.from_row(r) for r in rows]


def reconcile_ledger(
    *,
    uow: Callable[..., UnitOfWork],
    charging: ChargingClient,
    program_id: str | None = None,
) -> ReconciliationReport:
    """Compare the ledger with what the charging system reports applied: every difference."""
    applied = charging.list_applied()
    ledger = list_grants(uow=uow, program_id=program_id)
    return compare(ledger, applied)
