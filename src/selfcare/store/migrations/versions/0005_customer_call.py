"""The frozen contact verdicts of the incremental projection, apart from the state.

`customer_state.state` becomes a checkpoint holding only what the next event needs; a
verdict that can no longer change moves to `customer_call`, appended to and never
rewritten. A state stored before reads as a checkpoint with every event still in it, so no
row needs converting.

Revision ID: 0005
Revises: 0006 (0004 as first written; re-chained after main's 0007 and 0006 on rebase)
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_call",
        sa.Column("program_id", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.String(128), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "customer_id", "seq", name="pk_customer_call"),
    )


def downgrade() -> None:
    """Drop the verdict list. Checkpoints written since 0005 hold only live events, so after
    going back empty `customer_state` too: the next tick's `catch_up` rebuilds every state
    from the stored events."""
    op.drop_table("customer_call")
