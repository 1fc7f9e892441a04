"""The speed check's database tables: every browser measurement, and the contract figures.

They live on the store's declarative `Base`, so Alembic and the schema tests see them with
the others (store/tables.py imports this module at its end). Speeds are kbit/s and money
cents, as integers; times UTC.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from selfcare.store.tables import ID, Base, UTCDateTime


class SpeedMeasurementRow(Base):
    """One measurement as the customer's browser reported it; `series_id` when it counts."""

    __tablename__ = "speed_measurements"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    download_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_kbps: Mapped[int] = mapped_column(BigInteger)
    ping_ms: Mapped[int | None] = mapped_column(Integer)
    connection: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    test_id: Mapped[str | None] = mapped_column(String(64))
    series_id: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_speed_measurements_customer_measured", "customer_id", "measured_at"),
    )


class SpeedContractRow(Base):
    """What the customer's contract promises (kbit/s per direction) and its monthly price."""

    __tablename__ = "speed_contracts"

    customer_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    download_max_kbps: Mapped[int] = mapped_column(BigInteger)
    download_normal_kbps: Mapped[int] = mapped_column(BigInteger)
    download_min_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_max_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_normal_kbps: Mapped[int] = mapped_column(BigInteger)
    upload_min_kbps: Mapped[int] = mapped_column(BigInteger)
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
