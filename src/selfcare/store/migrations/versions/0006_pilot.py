"""Pilot assignments, invitation codes (by hash) and analyses in the service's database.

`selfcare pilot assign` and `invite` store what they write to CSV here too, so `/join`
can accept a code once and the operator console can show arms and take-up; `analyze` on
the database keeps each analysis (its JSON document) for the console's pilot page.

Revision ID: 0006
Revises: 0007 (0004 as first written; re-chained after main's 0007 on rebase)
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pilot_assignments",
        sa.Column("pilot_id", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.String(128), nullable=False),
        sa.Column("arm", sa.String(16), nullable=False),
        sa.Column("stratum", sa.String(200), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("pilot_id", "customer_id", name="pk_pilot_assignments"),
    )
    op.create_table(
        "pilot_invitations",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("pilot_id", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.String(128), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name="pk_pilot_invitations"),
    )
    op.create_index(
        "ix_pilot_invitations_pilot_customer",
        "pilot_invitations",
        ["pilot_id", "customer_id"],
    )
    op.create_table(
        "pilot_analyses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pilot_id", sa.String(128), nullable=False),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pilot_analyses"),
    )
    op.create_index(
        "ix_pilot_analyses_pilot_id_analysed_at", "pilot_analyses", ["pilot_id", "analysed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_pilot_analyses_pilot_id_analysed_at", table_name="pilot_analyses")
    op.drop_table("pilot_analyses")
    op.drop_index("ix_pilot_invitations_pilot_customer", table_name="pilot_invitations")
    op.drop_table("pilot_invitations")
    op.drop_table("pilot_assignments")
