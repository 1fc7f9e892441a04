"""The speed check's storage use cases: measurements and contract figures, through the unit
of work (each call its own short transaction).

`UnitOfWorkMeasurementStore` is series.py's `MeasurementStore` on the service's storage;
the contract figures are what the operator's systems know about the customer's line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from selfcare.domain.records import StoredContract
from selfcare.domain.speedcheck.models import Contract, Measurement
from selfcare.store.ports import UnitOfWorkFactory

__all__ = [
    "StoredContract",
    "UnitOfWorkMeasurementStore",
    "contract_for",
    "set_contract",
    "stored_contract",
]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWorkMeasurementStore:
    """Every measurement a customer's browser reported, oldest first on reading."""

    def __init__(self, uow: UnitOfWorkFactory, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self._uow = uow
        self._clock = clock

    def add(self, customer_id: str, measurement: Measurement) -> None:
        with self._uow() as work:
            work.measurements.add(customer_id, measurement, stored_at=self._clock())
            work.commit()

    def list(self, customer_id: str) -> list[Measurement]:
        with self._uow(read_only=True) as work:
            return work.measurements.list_(customer_id)


def stored_contract(uow: UnitOfWorkFactory, customer_id: str) -> StoredContract | None:
    """The customer's contract figures and when they were set (None: never)."""
    with uow(read_only=True) as work:
        return work.contracts.get(customer_id)


def contract_for(uow: UnitOfWorkFactory, customer_id: str) -> Contract | None:
    """The customer's contract figures, or None while the operator has not set them."""
    stored = stored_contract(uow, customer_id)
    return None if stored is None else stored.contract


def set_contract(
    uow: UnitOfWorkFactory, customer_id: str, contract: Contract, *, now: datetime
) -> None:
    """Record (or replace) the customer's contract figures."""
    with uow() as work:
        work.contracts.put(customer_id, contract, now=now)
        work.commit()
