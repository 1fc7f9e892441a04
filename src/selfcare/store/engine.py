"""Connecting to the database: one engine per process, tuned per backend, and migrations.

SQLite writers take the lock at BEGIN (`BEGIN IMMEDIATE`) so two writers never deadlock on
a lock upgrade; they wait (busy timeout) instead. Read-only units of work begin deferred.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from selfcare.config import normalise_database_url

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "selfcare_read_only"
SQLITE_BUSY_TIMEOUT_S = 30.0
_MIGRATION_LOCK = 7_405_113  # pg_advisory_xact_lock key: one migrator at a time


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` (sqlite:///FILE or postgresql://…), ready for concurrent use."""
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            **kwargs,
        )
        _tune_sqlite(engine)
        return engine
    options = {"pool_size": 10, "max_overflow": 20} | kwargs
    engine = create_engine(url, **options)
    if not options.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


IDLE_BEFORE_PING_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled PostgreSQL connection before use only if it sat idle a while.

    `pool_pre_ping` spends a round trip (`SELECT 1`) on every checkout: a third of a
    progress lookup's round trips, each a wake-up of a server process on a busy machine.
    A connection dies while idle (a server restart, an idle timeout, a dropped firewall
    entry); one that was in use a moment ago is alive, so only a connection idle for
    `IDLE_BEFORE_PING_S` is pinged. A dead one is discarded and the pool hands out
    another (SQLAlchemy retries a checkout that raises `DisconnectionError`).
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_S:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            if not dbapi_connection.autocommit:
                dbapi_connection.rollback()
        except Exception as exc:
            raise DisconnectionError("pooled connection did not answer") from exc


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _use_wal(cursor: Any) -> None:
    """Switch a new file to write-ahead logging (readers never block the writer).

    The switch needs a moment of exclusive access and SQLite does not wait for it, so
    several processes opening a fresh file at once retry here for a while.
    """
    for _ in range(int(SQLITE_BUSY_TIMEOUT_S * 20)):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA journal_mode=WAL")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded rows usable after commit (services return plain values)."""
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


def alembic_config() -> Config:
    """Alembic configured from the package, no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe when several processes start at once."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Undo migrations down to `revision` (used by the migration tests)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at; None for a database without the schema."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this selfcare ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
