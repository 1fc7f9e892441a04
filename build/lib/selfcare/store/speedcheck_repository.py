"""The speed check in the service's database: measurements per customer, contract figures.

`SqlMeasurementStore` is the database `MeasurementStore` of series.py; the contract figures
are what the operator's systems know about the customer's line (the verdict needs them),
set through the operator API. Each call is its own short transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from selfcare.domain.speedcheck.models import Connection, Contract, Measurement, SpeedTier
from selfcare.store.tables import SpeedContractRow, SpeedMeasurementRow
from selfcare.store.unit_of_work import UnitOfWorkFactory


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SqlMeasurementStore:
    """Every measurement a customer's browser reported, oldest first on reading."""

    def __init__(self, uow: UnitOfWorkFactory, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self._uow = uow
        self._clock = clock

    def add(self, customer_id: str, measurement: Measurement) -> None:
        with self._uow() as work:
            work.session.add(_row(customer_id, measurement, stored_at=self._clock()))
            work.commit()

    def list(self, customer_id: str) -> list[Measurement]:
        query = (
            select(SpeedMeasurementRow)
            .where(SpeedMeasurementRow.customer_id == customer_id)
            .order_by(SpeedMeasurementRow.measured_at, SpeedMeasurementRow.id)
        )
        with self._uow(read_only=True) as work:
            return [_measurement(row) for row in work.session.scalars(query)]


def _row(customer_id: str, item: Measurement, *, stored_at: datetime) -> SpeedMeasurementRow:
    return SpeedMeasurementRow(
        customer_id=customer_id,
        measured_at=item.measured_at,
        download_kbps=item.download_kbps,
        upload_kbps=item.upload_kbps,
        ping_ms=item.ping_ms,
        connection=item.connection.value,
        source=item.source[:64],
        test_id=item.test_id,
        series_id=item.series_id,
        stored_at=stored_at,
    )


def _measurement(row: SpeedMeasurementRow) -> Measurement:
    return Measurement(
        row.measured_at,
        row.download_kbps,
        row.upload_kbps,
        row.ping_ms,
        Connection(row.connection),
        source=row.source,
        test_id=row.test_id,
        series_id=row.series_id,
    )


@dataclass(frozen=True)
class StoredContract:
    contract: Contract
    updated_at: datetime


def stored_contract(uow: UnitOfWorkFactory, customer_id: str) -> StoredContract | None:
    """The customer's contract figures and when they were set (None: never)."""
    with uow(read_only=True) as work:
        row = work.session.get(SpeedContractRow, customer_id)
        return None if row is None else StoredContract(_contract(row), row.updated_at)


def contract_for(uow: UnitOfWorkFactory, customer_id: str) -> Contract | None:
    """The customer's contract figures, or None while the operator has not set them."""
    stored = stored_contract(uow, customer_id)
    return None if stored is None else stored.contract


def set_contract(
    uow: UnitOfWorkFactory, customer_id: str, contract: Contract, *, now: datetime
) -> None:
    """Record (or replace) the customer's contract figures; one upsert, so two operators
    setting them at once cannot collide."""
    values = {
        "download_max_kbps": contract.download.max_kbps,
        "download_normal_kbps": contract.download.normal_kbps,
        "download_min_kbps": contract.download.min_kbps,
        "upload_max_kbps": contract.upload.max_kbps,
        "upload_normal_kbps": contract.upload.normal_kbps,
        "upload_min_kbps": contract.upload.min_kbps,
        "price_cents": contract.price_cents,
        "updated_at": now,
    }
    with uow() as work:
        dialect = postgresql if work.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SpeedContractRow).values(customer_id=customer_id, **values)
        work.session.execute(
            statement.on_conflict_do_update(index_elements=["customer_id"], set_=values)
        )
        work.commit()


def _contract(row: SpeedContractRow) -> Contract:
    return Contract(
        download=SpeedTier(row.download_max_kbps, row.download_normal_kbps, row.download_min_kbps),
        upload=SpeedTier(row.upload_max_kbps, row.upload_normal_kbps, row.upload_min_kbps),
        price_cents=row.price_cents,
    )
