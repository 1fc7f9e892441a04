"""Read-only queries the API needs beyond the core services: timeline, quarantine, held.

Each opens one read-only unit of work and returns plain values; rendering stays in routes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from selfcare.domain.events import Event
from selfcare.domain.incremental import with_frozen
from selfcare.domain.ledger import GrantRecord, GrantStatus
from selfcare.domain.progress import CallResult, CustomerProgress
from selfcare.domain.records import QuarantinedRow, StoredProgress
from selfcare.errors import UnknownCustomer
from selfcare.store.lookup import AsyncProgressReads, LookupRow, ProgressReads
from selfcare.store.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class QuarantinePage:
    total: int
    items: list[QuarantinedRow]


def customer_events(*, uow: Callable[..., UnitOfWork], customer_id: str) -> list[Event]:
    """Every stored event of one customer, in the order they happened."""
    with uow(read_only=True) as work:
        events = work.events.for_customers([customer_id])[customer_id]
    return sorted(events, key=lambda e: (e.occurred_at, e.event_id))


def current_snapshot(
    *, uow: Callable[..., UnitOfWork], program_id: str, customer_id: str, as_of: date
) -> CustomerProgress | None:
    """The stored progress snapshot if it still answers for `as_of` (read-only), else None;
    UnknownCustomer when nothing is stored. The rule is the core service's own."""
    with uow(read_only=True) as work:
        return _snapshot(work, program_id, customer_id, as_of)


def _snapshot(
    work: UnitOfWork, program_id: str, customer_id: str, as_of: date
) -> CustomerProgress | None:
    row = work.states.read(program_id, customer_id)
    if row is None:
        raise UnknownCustomer(f"customer {customer_id!r}: no events stored")
    return _answering(row, as_of)


def _answering(row: StoredProgress, as_of: date) -> CustomerProgress | None:
    if row.progress is None or not row.answers(as_of):
        return None
    live = CustomerProgress.model_validate_json(row.progress)
    return with_frozen(live, [CallResult.model_validate_json(t) for t in row.calls])


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a progress lookup reads: the snapshot if it still answers (else None) and the
    (reward, period) of the customer's grants that the charging system refused."""

    progress: CustomerProgress | None
    refused: frozenset[tuple[str, str]]


def lookup_progress(*, engine: Engine, program_id: str, customer_id: str, as_of: date) -> Lookup:
    """`current_snapshot` and the refused grants in one read on a pooled driver connection
    (store/lookup.py): the API's most frequent request, without an ORM session."""
    return _looked_up(ProgressReads(engine).read(program_id, customer_id), customer_id, as_of)


AsyncLookup = Callable[[str, str, date], Awaitable[Lookup]]
"""(program_id, customer_id, as_of) -> what `lookup_progress` answers, on the event loop."""


def async_lookup(engine: Engine) -> AsyncLookup | None:
    """`lookup_progress` on the event loop for PostgreSQL: the same statement and answer,
    on connections of its own (store/lookup.py, `AsyncProgressReads`); None on SQLite,
    whose reads (no round trip) cost less on the loop than anything asynchronous."""
    if engine.dialect.name != "postgresql":
        return None
    reads = AsyncProgressReads(engine)

    async def lookup(program_id: str, customer_id: str, as_of: date) -> Lookup:
        return _looked_up(await reads.read(program_id, customer_id), customer_id, as_of)

    return lookup


def _looked_up(found: LookupRow | None, customer_id: str, as_of: date) -> Lookup:
    if found is None:
        raise UnknownCustomer(f"customer {customer_id!r}: no events stored")
    return Lookup(_answering(found.stored, as_of), found.refused)


def refused_grants(ledger: Iterable[GrantRecord], program_id: str) -> frozenset[tuple[str, str]]:
    """The (reward, period) of this program's grants the charging system refused."""
    return frozenset(
        (g.reward, g.period)
        for g in ledger
        if g.program_id == program_id and g.status is GrantStatus.REJECTED
    )


def require_known(*, uow: Callable[..., UnitOfWork], program_id: str, customer_id: str) -> None:
    """Raise UnknownCustomer unless selfcare holds state for this customer."""
    with uow(read_only=True) as work:
        if work.states.get(program_id, customer_id) is None:
            raise UnknownCustomer(f"customer {customer_id!r}: no events stored")


def quarantine_page(*, uow: Callable[..., UnitOfWork], limit: int, offset: int) -> QuarantinePage:
    """Quarantined rows, oldest first, one page at a time."""
    with uow(read_only=True) as work:
        return QuarantinePage(
            work.quarantine.count(), work.quarantine.list_(limit=limit, offset=offset)
        )


def grant_json(record: GrantRecord) -> dict[str, object]:
    """A ledger entry in the API's shape (the evaluate grant fields plus ledger status)."""
    return {
        "id": record.grant_id,
        "reward": record.reward,
        "amount_mb": record.amount_mb,
        "granted_on": record.granted_on.isoformat(),
        "period": record.period,
        "status": record.status,
        "hold_reason": record.hold_reason,
        "confirmed_at": record.confirmed_at.isoformat() if record.confirmed_at else None,
    }


REJECTED_EXPLANATION = (
    "The charging system refused this top-up, so it has not reached you; the operator "
    "can send it again."
)


def with_rejected_apart(doc: dict[str, Any], refused: frozenset[tuple[str, str]]) -> dict[str, Any]:
    """The progress document with grants the charging system refused (`refused_grants`)
    moved out of `grants` and `earned_mb` into `rejected`: a customer must not read as
    earned a top-up that never arrived. The evaluator knows what is due; only the ledger
    knows this."""
    kept, rejected = [], []
    for grant in doc["grants"]:
        if (grant["reward"], grant["period"]) in refused:
            rejected.append(
                {**grant, "status": GrantStatus.REJECTED.value, "explanation": REJECTED_EXPLANATION}
            )
        else:
            kept.append(grant)
    lost = sum(int(g["amount_mb"]) for g in rejected)
    return {**doc, "grants": kept, "earned_mb": int(doc["earned_mb"]) - lost, "rejected": rejected}
