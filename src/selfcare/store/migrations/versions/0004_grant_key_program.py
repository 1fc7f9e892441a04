"""The grants ledger's unique key includes the program; an audit of grants resent by hand.

Two programs that share reward ids (`portal`, `streak`) would otherwise collide on
(customer, reward, period): the second program's grant was silently skipped as if
already written. Existing rows stay valid: a key that was unique without the program is
unique with it. `grant_audit` records who resent a rejected grant, and when.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD = "uq_grants_customer_reward_period"
NEW = "uq_grants_program_customer_reward_period"


def upgrade() -> None:
    with op.batch_alter_table("grants") as batch:
        batch.drop_constraint(OLD, type_="unique")
        batch.create_unique_constraint(NEW, ["program_id", "customer_id", "reward", "period"])
    op.create_table(
        "grant_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("grant_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["grants.id"], name="fk_grant_audit_grant_id_grants"),
        sa.PrimaryKeyConstraint("id", name="pk_grant_audit"),
    )
    op.create_index("ix_grant_audit_grant_id", "grant_audit", ["grant_id"])


def downgrade() -> None:
    """Back to the narrower key; fails if two programs already share a key (by design)."""
    op.drop_index("ix_grant_audit_grant_id", table_name="grant_audit")
    op.drop_table("grant_audit")
    with op.batch_alter_table("grants") as batch:
        batch.drop_constraint(NEW, type_="unique")
        batch.create_unique_constraint(OLD, ["customer_id", "reward", "period"])
