"""Speed check: the customers' browser measurements and their contract figures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(128)
SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def kbps(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "speed_measurements",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        ts("measured_at"),
        kbps("download_kbps"),
        kbps("upload_kbps"),
        sa.Column("ping_ms", sa.Integer(), nullable=True),
        sa.Column("connection", sa.String(16), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("test_id", sa.String(64), nullable=True),
        sa.Column("series_id", sa.String(64), nullable=True),
        ts("stored_at"),
        sa.PrimaryKeyConstraint("id", name="pk_speed_measurements"),
    )
    op.create_index(
        "ix_speed_measurements_customer_measured",
        "speed_measurements",
        ["customer_id", "measured_at"],
    )
    op.create_table(
        "speed_contracts",
        sa.Column("customer_id", ID, nullable=False),
        kbps("download_max_kbps"),
        kbps("download_normal_kbps"),
        kbps("download_min_kbps"),
        kbps("upload_max_kbps"),
        kbps("upload_normal_kbps"),
        kbps("upload_min_kbps"),
        sa.Column("price_cents", sa.BigInteger(), nullable=True),
        ts("updated_at"),
        sa.PrimaryKeyConstraint("customer_id", name="pk_speed_contracts"),
    )


def downgrade() -> None:
    op.drop_table("speed_contracts")
    op.drop_index("ix_speed_measurements_customer_measured", table_name="speed_measurements")
    op.drop_table("speed_measurements")
