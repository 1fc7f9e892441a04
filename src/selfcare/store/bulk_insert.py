"""Inserting many rows at once, keeping only those not stored yet, at the backend's speed.

On PostgreSQL the rows travel by `COPY` into a temporary table and move on with one
`INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`: the database still decides which rows
are new. Rows that are mostly new and whose key decides whether they are (events, grants)
may instead be `COPY`ed straight into the table once a lookup found their keys free; should
another transaction take one meanwhile (or another unique constraint refuse one), the
unique violation rolls back to a savepoint and the rows take the staged way. Rows are
inserted in key order, so two transactions with overlapping batches wait for each other
instead of deadlocking. SQLite gets a plain
multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`.
"""

from __future__ import annotations

from typing import Any

from psycopg import errors
from sqlalchemy import ARRAY, Table, any_, bindparam, column, select, table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause


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


def insert_new_copied(
    session: Session, target: Table, rows: list[dict[str, Any]], key: str
) -> set[Any]:
    """`insert_new` for rows whose `key` decides whether they are new: on PostgreSQL the
    rows with free keys are copied straight in (one write instead of a staged copy and an
    insert), falling back to `insert_new` when any unique constraint refuses one."""
    if not rows or session.get_bind().dialect.name != "postgresql":
        return insert_new(session, target, rows, key)
    taken = _taken(session, target, key, [r[key] for r in rows])
    fresh = sorted((r for r in rows if r[key] not in taken), key=lambda r: r[key])
    if not fresh:
        return set()
    names = list(fresh[0])
    with _cursor(session) as cursor:
        cursor.execute("SAVEPOINT copy_new")
        try:
            with cursor.copy(_copy_sql(target.name, names)) as copy:
                for row in fresh:
                    copy.write_row([row[name] for name in names])
        except errors.UniqueViolation:  # lost a race for a key: let the database decide
            cursor.execute("ROLLBACK TO SAVEPOINT copy_new")
            return insert_new(session, target, fresh, key)
        cursor.execute("RELEASE SAVEPOINT copy_new")
    return {row[key] for row in fresh}


def _taken(session: Session, target: Table, key: str, keys: list[Any]) -> set[Any]:
    """The keys already stored, in one round trip (an index probe per key)."""
    column = target.c[key]
    query = select(column).where(column == any_(bindparam("keys", keys, type_=ARRAY(column.type))))
    return set(session.execute(query).scalars())


def append(session: Session, target: Table, rows: list[dict[str, Any]]) -> None:
    """Plain inserts of rows that cannot conflict (outbox entries, quarantined rows)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(target.insert(), rows)
        return
    names = list(rows[0])
    with _cursor(session) as cursor, cursor.copy(_copy_sql(target.name, names)) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def update_by_key(
    session: Session, target: Table, rows: list[dict[str, Any]], keys: tuple[str, ...]
) -> None:
    """Update many rows, each found by its key columns, to the values given for it."""
    if not rows:
        return
    names = [n for n in rows[0] if n not in keys]
    if session.get_bind().dialect.name != "postgresql":
        statement = (
            update(target)
            .where(*(target.c[k] == bindparam(f"key_{k}") for k in keys))
            .values({n: bindparam(f"new_{n}") for n in names})
        )
        params = [
            {f"key_{k}": r[k] for k in keys} | {f"new_{n}": r[n] for n in names} for r in rows
        ]
        session.execute(statement, params, execution_options={"synchronize_session": False})
        return
    source = _stage(session, target, rows)
    session.execute(
        update(target)
        .where(*(target.c[k] == source.c[k] for k in keys))
        .values({n: source.c[n] for n in names}),
        execution_options={"synchronize_session": False},
    )


def _cursor(session: Session) -> Any:
    connection = session.connection().connection.driver_connection
    assert connection is not None  # noqa: S101  (a live session always has one)
    return connection.cursor()


def _copy_sql(name: str, columns: list[str]) -> str:
    return f"COPY {name} ({', '.join(columns)}) FROM STDIN"


def _stage(session: Session, target: Table, rows: list[dict[str, Any]]) -> TableClause:
    """Copy rows into an empty temporary twin of `target`; the twin empties at commit."""
    names = list(rows[0])
    staging = f"_incoming_{target.name}"
    with _cursor(session) as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "
            f"(LIKE {target.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.copy(_copy_sql(staging, names)) as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
    return table(staging, *(column(name) for name in names))


def _copy_then_insert(
    session: Session, target: Table, rows: list[dict[str, Any]], key: str
) -> set[Any]:
    names = list(rows[0])
    source = _stage(session, target, rows)
    statement = (
        postgresql.insert(target)
        .from_select(names, select(*source.c).order_by(source.c[key]))
        .on_conflict_do_nothing()
        .returning(target.c[key])
    )
    return set(session.execute(statement).scalars())
