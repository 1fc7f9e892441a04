"""One-time login links: a customer token's purpose, and when a link was used.

A login link (`selfcare serve --login-link`) was an ordinary 30-day-style customer token,
reusable until it expired. It becomes a row of its own purpose (`login_link`) that opens
one browser session and nothing else: `used_at` is set by a conditional UPDATE when the
login is confirmed, so a second confirmation (or a concurrent one) finds it used. Rows
written before are `access` tokens, as they were.

Revision ID: 0008_web
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_web"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_tokens") as batch:
        batch.add_column(
            sa.Column("purpose", sa.String(16), nullable=False, server_default="access")
        )
        batch.add_column(sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Going back, a login link would become a reusable access token: revoke every one
    first (used ones too, which ends the sessions they opened; those customers log in
    again)."""
    op.execute(
        "UPDATE customer_tokens SET revoked_at = CURRENT_TIMESTAMP "
        "WHERE purpose = 'login_link' AND revoked_at IS NULL"
    )
    with op.batch_alter_table("customer_tokens") as batch:
        batch.drop_column("used_at")
        batch.drop_column("purpose")
