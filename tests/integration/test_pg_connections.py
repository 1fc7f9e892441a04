"""PostgreSQL connections: reads outside a transaction, and a pooled connection that died
while idle is replaced before use (without a ping on every checkout)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from selfcare.store import engine as engine_module
from selfcare.store.engine import make_engine
from selfcare.store.unit_of_work import SqlUnitOfWorkFactory

pytestmark = pytest.mark.integration


def test_a_connection_killed_while_idle_is_replaced_before_use(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING_S", 0.0)
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(pg_url.split("?", maxsplit=1)[0], autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        with engine.connect() as connection:  # the pool's one connection is dead
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


def test_reads_run_outside_a_transaction_and_writes_inside_one(pg_url: str) -> None:
    engine = make_engine(pg_url)
    uow = SqlUnitOfWorkFactory(engine)
    query = text("SELECT now() = statement_timestamp()")  # false inside a transaction
    try:
        with uow(read_only=True) as work:
            work.session.execute(text("SELECT pg_sleep(0.01)"))
            assert work.session.execute(query).scalar_one() is True
        with uow() as work:
            work.session.execute(text("SELECT pg_sleep(0.01)"))
            assert work.session.execute(query).scalar_one() is False
    finally:
        engine.dispose()
