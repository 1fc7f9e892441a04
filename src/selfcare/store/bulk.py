"""Inserting many rows at once, keeping only those not stored yet, at the backend's speed.

On PostgreSQL the rows travel by `COPY` into a temporary table and move on with one
`INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`: the fastest way in, and the database
still decides which rows are new. Rows are inserted in key order, so two transactions with
overlapping batches wait for each other instead of deadlocking. SQLite gets a plain
multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, column, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(session: Session, target: Table) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` in the session's dialect."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(target).on_conflict_do_nothing()


def insert_new(session: Session, target: Table, rows: list[dict[str, Any]], key: str) -> set[Any]:
    """Insert the rows whose keys are not taken yet; return the keys this call inserted."""
    if not rows:
        return set()
    ordered = sorted(rows, key=lambda r: r[key])
    if session.get_bind().dialect.name == "postgresql":
        return _copy_then_insert(session, target, ordered, key)
    statement = insert_ignoring_conflicts(session, target).returning(target.c[key])
    return set(session.execute(statement, ordered).scalars())


def _copy_then_insert(
    session: Session, target: Table, rows: list[dict[str, Any]], key: str
) -> set[Any]:
    names = list(rows[0])
    staging = f"_incoming_{target.name}"
    connection = session.connection().connection.driver_connection
    assert connection is not None  # noqa: S101  (a live session always has one)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "
            f"(LIKE {target.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.copy(f"COPY {staging} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
    source = table(staging, *(column(name) for name in names))
    statement = (
        postgresql.insert(target)
        .from_select(names, select(*source.c).order_by(source.c[key]))
        .on_conflict_do_nothing()
        .returning(target.c[key])
    )
    return set(session.execute(statement).scalars())
