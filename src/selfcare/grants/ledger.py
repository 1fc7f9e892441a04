"""The grants ledger: each due bonus written exactly once, with its top-up in the outbox.

A grant's id is derived from (program, customer, reward, period), so the same bonus always
has the same id: it is the `Idempotency-Key` of its top-up, and writing it twice is a no-op
(the ledger's unique key is program, customer, reward, period). The grant and its outbox entry are
written in the caller's transaction, the one that stored the events that earned it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from selfcare.domain.ledger import BUDGET_EXHAUSTED, GrantRecord, GrantStatus
from selfcare.domain.program import Program
from selfcare.domain.progress import Grant
from selfcare.grants.budget import admit
from selfcare.grants.charging import ChargingClient
from selfcare.grants.reconcile import ReconciliationReport, compare
from selfcare.program.digest import program_digest
from selfcare.store.ports import UnitOfWork

__all__ = [
    "GrantRecord",
    "Recorded",
    "customer_grants",
    "grant_id",
    "list_grants",
    "reconcile_ledger",
    "record_grants",
]

GRANT_NAMESPACE = uuid.UUID("8d3a52b6-6f1e-4d8e-9a59-3f0c1b7e2a10")


_NAMESPACE_BYTES = GRANT_NAMESPACE.bytes


def grant_id(program_id: str, customer_id: str, reward: str, period: str) -> str:
    """The one id a bonus ever has: `uuid.uuid5(GRANT_NAMESPACE, …)` of what makes it
    unique, spelled out (RFC 4122 §4.3), since every projection names all its customer's
    due grants and the `uuid` module's objects cost more than the hash."""
    name = "\x1f".join((program_id, customer_id, reward, period)).encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


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
    digest = program_digest(program)
    records = [_record(program.id, digest, customer_id, grant, now) for customer_id, grant in due]
    new_ids = uow.grants.insert_new(records)
    if not new_ids:
        return Recorded()
    new = [r for r in records if r.grant_id in new_ids]
    held = admit(uow, program, new, now)
    uow.grants.mark(held, status=GrantStatus.HELD, hold_reason=BUDGET_EXHAUSTED)
    held_set = set(held)
    uow.outbox.add([g.grant_id for g in new if g.grant_id not in held_set], now)
    return Recorded(new=tuple(sorted(new_ids)), held=tuple(sorted(held)))


def _record(
    program_id: str, digest: str, customer_id: str, grant: Grant, now: datetime
) -> GrantRecord:
    return GrantRecord(
        grant_id=grant_id(program_id, customer_id, grant.reward, grant.period),
        program_id=program_id,
        customer_id=customer_id,
        reward=grant.reward,
        period=grant.period,
        amount_mb=grant.amount_mb,
        granted_on=grant.granted_on,
        status=GrantStatus.PENDING,
        created_at=now,
        program_digest=digest,
    )


def customer_grants(*, uow: Callable[..., UnitOfWork], customer_id: str) -> list[GrantRecord]:
    """Every grant of one customer, oldest first (empty for an unknown customer)."""
    with uow(read_only=True) as work:
        return work.grants.for_customer(customer_id)


def list_grants(
    *,
    uow: Callable[..., UnitOfWork],
    program_id: str | None = None,
    status: GrantStatus | None = None,
    limit: int | None = None,
) -> list[GrantRecord]:
    """Grants of the ledger, by due date then id; filter by program and status."""
    with uow(read_only=True) as work:
        return work.grants.list_(program_id=program_id, status=status, limit=limit)


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
