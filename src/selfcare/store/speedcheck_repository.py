"""The speed check in the service's database: measurements per customer, contract figures.

The contract figures are what the operator's systems know about the customer's line (the
verdict needs them), set through the operator API.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from selfcare.domain.records import StoredContract
from selfcare.domain.speedcheck.models import Connection, Contract, Measurement, SpeedTier
from selfcare.store.tables import SpeedContractRow, SpeedMeasurementRow


class SqlMeasurementRepository:
    """Every measurement a customer's browser reported, oldest first on reading."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, customer_id: str, measurement: Measurement, *, stored_at: datetime) -> None:
        self.session.add(_row(customer_id, measurement, stored_at=stored_at))

    def list_(self, customer_id: str) -> list[Measurement]:
        query = (
            select(SpeedMeasurementRow)
            .where(SpeedMeasurementRow.customer_id == customer_id)
            .order_by(SpeedMeasurementRow.measured_at, SpeedMeasurementRow.id)
        )
        return [_measurement(row) for row in self.session.scalars(query)]


class SqlContractRepository:
    """The contract figures of each customer's line, one row per customer."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: str) -> StoredContract | None:
        row = self.session.get(SpeedContractRow, customer_id)
        return None if row is None else StoredContract(_contract(row), row.updated_at)

    def put(self, customer_id: str, contract: Contract, *, now: datetime) -> None:
        """Record (or replace) the figures; one upsert, so two operators cannot collide."""
        values = _contract_values(contract) | {"updated_at": now}
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SpeedContractRow).values(customer_id=customer_id, **values)
        self.session.execute(
            statement.on_conflict_do_update(index_elements=["customer_id"], set_=values)
        )


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


def _contract_values(contract: Contract) -> dict[str, int | None]:
    return {
        "download_max_kbps": contract.download.max_kbps,
        "download_normal_kbps": contract.download.normal_kbps,
        "download_min_kbps": contract.download.min_kbps,
        "upload_max_kbps": contract.upload.max_kbps,
        "upload_normal_kbps": contract.upload.normal_kbps,
        "upload_min_kbps": contract.upload.min_kbps,
        "price_cents": contract.price_cents,
    }


def _contract(row: SpeedContractRow) -> Contract:
    return Contract(
        download=SpeedTier(row.download_max_kbps, row.download_normal_kbps, row.download_min_kbps),
        upload=SpeedTier(row.upload_max_kbps, row.upload_normal_kbps, row.upload_min_kbps),
        price_cents=row.price_cents,
    )
