"""The grants ledger's unique key includes the program.

Two programs that share reward ids (`portal`, `streak`) would otherwise collide on
(customer, reward, period): the second program's grant was silently skipped as if
already written. Existing rows stay valid: a key that was unique without the program is
unique with it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD = "uq_grants_customer_reward_period"
NEW = "uq_grants_program_customer_reward_period"


def upgrade() -> None:
    with op.batch_alter_table("grants") as batch:
        batch.drop_constraint(OLD, type_="unique")
        batch.create_unique_constraint(NEW, ["program_id", "customer_id", "reward", "period"])


def downgrade() -> None:
    """Back to the narrower key; fails if two programs already share a key (by design)."""
    with op.batch_alter_table("grants") as batch:
        batch.drop_constraint(NEW, type_="unique")
        batch.create_unique_constraint(OLD, ["customer_id", "reward", "period"])
