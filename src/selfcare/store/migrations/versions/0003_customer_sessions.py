"""Customer sessions of the speed check pages, apart from the 30-day customer tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "customer_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("session_hash", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.String(128), nullable=False),
        sa.Column("token_id", sa.String(36), nullable=False),
        ts("created_at"),
        ts("expires_at"),
        ts("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customer_sessions"),
        sa.UniqueConstraint("session_hash", name="uq_customer_sessions_session_hash"),
    )
    op.create_index("ix_customer_sessions_customer_id", "customer_sessions", ["customer_id"])
    op.create_index("ix_customer_sessions_token_id", "customer_sessions", ["token_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_sessions_token_id", table_name="customer_sessions")
    op.drop_index("ix_customer_sessions_customer_id", table_name="customer_sessions")
    op.drop_table("customer_sessions")
