"""Initial schema: events, quarantine, customer state, grants ledger, outbox, budget, keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(128)
SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        ts("occurred_at"),
        ts("recorded_at"),
        sa.Column("recorded_at_sent", sa.Boolean(), nullable=False),
        sa.Column("reason_code", ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("reached_agent", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        ts("received_at"),
        sa.PrimaryKeyConstraint("event_id", name="pk_events"),
    )
    op.create_index("ix_events_customer_occurred", "events", ["customer_id", "occurred_at"])
    op.create_table(
        "quarantine",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("event_id", ID, nullable=True),
        ts("received_at"),
        sa.PrimaryKeyConstraint("id", name="pk_quarantine"),
    )
    op.create_index("ix_quarantine_received_at", "quarantine", ["received_at"])
    op.create_table(
        "customer_state",
        sa.Column("program_id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("progress_as_of", sa.Date(), nullable=True),
        sa.Column("valid_through", sa.Date(), nullable=True),
        ts("updated_at"),
        sa.PrimaryKeyConstraint("program_id", "customer_id", name="pk_customer_state"),
    )
    op.create_index("ix_customer_state_stale", "customer_state", ["program_id", "valid_through"])
    _ledger()
    _budget()
    _keys()


def _ledger() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("program_id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("reward", ID, nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("amount_mb", sa.Integer(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("hold_reason", sa.String(64), nullable=True),
        ts("created_at"),
        ts("released_at", nullable=True),
        ts("confirmed_at", nullable=True),
        sa.Column("charging_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_grants"),
        sa.UniqueConstraint(
            "customer_id", "reward", "period", name="uq_grants_customer_reward_period"
        ),
    )
    op.create_index("ix_grants_customer", "grants", ["customer_id"])
    op.create_index(
        "ix_grants_status_order", "grants", ["program_id", "status", "granted_on", "id"]
    )
    op.create_table(
        "outbox",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("grant_id", sa.String(36), nullable=False),
        ts("created_at"),
        ts("available_at"),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        ts("sent_at", nullable=True),
        ts("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["grants.id"], name="fk_outbox_grant_id_grants"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("grant_id", name="uq_outbox_grant_id"),
    )
    op.create_index(
        "ix_outbox_open",
        "outbox",
        ["available_at"],
        postgresql_where=sa.text("closed_at IS NULL"),
        sqlite_where=sa.text("closed_at IS NULL"),
    )


def _budget() -> None:
    op.create_table(
        "budgets",
        sa.Column("program_id", ID, nullable=False),
        sa.Column("total_mb", sa.BigInteger(), nullable=True),
        sa.Column("monthly_mb", sa.BigInteger(), nullable=True),
        ts("updated_at"),
        sa.PrimaryKeyConstraint("program_id", name="pk_budgets"),
    )
    op.create_table(
        "budget_spend",
        sa.Column("program_id", ID, nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("spent_mb", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "period", name="pk_budget_spend"),
    )


def _keys() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(128), nullable=False),
        sa.Column("scopes", sa.String(1000), nullable=False),
        ts("created_at"),
        ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "customer_tokens",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        ts("created_at"),
        ts("expires_at", nullable=True),
        ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customer_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_customer_tokens_token_hash"),
    )
    op.create_index("ix_customer_tokens_customer_id", "customer_tokens", ["customer_id"])


def downgrade() -> None:
    for table in (
        "customer_tokens",
        "api_keys",
        "budget_spend",
        "budgets",
        "outbox",
        "grants",
        "customer_state",
        "quarantine",
        "events",
    ):
        op.drop_table(table)
