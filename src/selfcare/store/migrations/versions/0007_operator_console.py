"""Operator console: operator accounts and sessions, the audit log, program versions, and
the program digest on new grants.

Past grants keep NULL in `program_digest` (they are never rewritten); grants written from
now on carry the SHA-256 of the program that made them, which `program_versions` maps to
a published version.

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def big_id() -> sa.Column[object]:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "operators",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(512), nullable=False),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        ts("created_at"),
        ts("disabled_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_operators"),
        sa.UniqueConstraint("name", name="uq_operators_name"),
    )
    op.create_table(
        "operator_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("session_hash", sa.String(128), nullable=False),
        sa.Column("operator_id", sa.String(36), nullable=False),
        ts("created_at"),
        ts("expires_at"),
        ts("ended_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name="fk_operator_sessions_operator_id_operators"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_operator_sessions"),
        sa.UniqueConstraint("session_hash", name="uq_operator_sessions_session_hash"),
    )
    op.create_index("ix_operator_sessions_operator_id", "operator_sessions", ["operator_id"])
    op.create_table(
        "operator_audit",
        big_id(),
        ts("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_operator_audit"),
    )
    op.create_index("ix_operator_audit_at", "operator_audit", ["at"])
    op.create_table(
        "program_versions",
        sa.Column("program_id", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        ts("published_at"),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "version", name="pk_program_versions"),
    )
    op.create_index("ix_program_versions_digest", "program_versions", ["digest"])
    with op.batch_alter_table("grants") as batch:
        batch.add_column(sa.Column("program_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grants") as batch:
        batch.drop_column("program_digest")
    op.drop_index("ix_program_versions_digest", table_name="program_versions")
    op.drop_table("program_versions")
    op.drop_index("ix_operator_audit_at", table_name="operator_audit")
    op.drop_table("operator_audit")
    op.drop_index("ix_operator_sessions_operator_id", table_name="operator_sessions")
    op.drop_table("operator_sessions")
    op.drop_table("operators")
