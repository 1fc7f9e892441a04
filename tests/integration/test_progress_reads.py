"""The lookup's read on a driver connection (store/lookup.py) against the unit of work's.

The API's progress lookup reads below the ORM; it must see what the unit of work sees:
the same snapshot and frozen verdicts, and exactly the grants the charging system refused
in this program, on both backends. On PostgreSQL the web layer reads on the event loop
(`AsyncProgressReads`): the same rows, on a few autocommit connections, a dropped one
replaced.
"""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, text

from selfcare.bootstrap import App
from selfcare.customers.queries import async_lookup, lookup_progress, refused_grants
from selfcare.errors import UnknownCustomer
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.service import ingest_batch
from selfcare.store import lookup
from selfcare.store.lookup import AsyncProgressReads, LookupRow, ProgressReads

pytestmark = pytest.mark.integration


def ingest(app: App, customer: str, *calls: str) -> None:
    rows = [
        {"event_id": f"{customer}-inv", "customer_id": customer, "type": "invitation_accepted"},
        {"event_id": f"{customer}-reg", "customer_id": customer, "type": "portal_registered"},
        *(
            {"event_id": f"{customer}-{n}", "customer_id": customer, "type": "hotline_call"}
            | {"text": text}
            for n, text in enumerate(calls)
        ),
    ]
    moments = [f"2026-0{1 + n // 20}-{1 + n % 20:02d}T09:00:00Z" for n in range(len(rows))]
    report = ingest_batch(
        app.ingestor, [row | {"occurred_at": at} for row, at in zip(rows, moments, strict=True)]
    )
    assert report.accepted == len(rows)


def test_the_lookup_read_is_the_unit_of_works_read(app: App) -> None:
    ingest(app, "c1", "Frage zu meiner Rechnung", "Vertrag verlängern")
    ingest(app, "c2")
    for customer in ("c1", "c2"):
        found = ProgressReads(app.engine).read(app.program.id, customer)
        with app.uow(read_only=True) as work:
            stored = work.states.read(app.program.id, customer)
        assert found is not None
        assert found.stored == stored
        assert found.refused == frozenset()
    assert ProgressReads(app.engine).read(app.program.id, "nobody") is None
    assert ProgressReads(app.engine).read("another-program", "c1") is None


def test_only_refused_grants_of_this_customer_are_read_as_refused(
    app: App, charging: FakeChargingClient
) -> None:
    ingest(app, "c1")
    charging.script(Fault.REJECT)
    app.relay().work_once()
    ingest(app, "c2")
    today = app.today()
    for customer, expected in (("c1", {("portal_registration", "once")}), ("c2", set())):
        found = lookup_progress(
            engine=app.engine, program_id=app.program.id, customer_id=customer, as_of=today
        )
        ledger = customer_grants(uow=app.uow, customer_id=customer)
        assert found.refused == expected == refused_grants(ledger, app.program.id)
    with pytest.raises(UnknownCustomer):
        lookup_progress(engine=app.engine, program_id=app.program.id, customer_id="x", as_of=today)


def test_a_connection_that_failed_a_read_is_not_handed_out_again(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(app, "c1")
    dropped: list[object] = []
    event.listen(app.engine, "invalidate", lambda connection, *_: dropped.append(connection))

    def lost(*_: object) -> None:
        raise ConnectionError("server closed the connection unexpectedly")

    reads = ProgressReads(app.engine)
    for backend in ("_sqlite", "_postgresql"):
        monkeypatch.setattr(lookup, backend, lost)
    with pytest.raises(ConnectionError):
        reads.read(app.program.id, "c1")
    assert len(dropped) == 1
    monkeypatch.undo()
    found = reads.read(app.program.id, "c1")
    assert found is not None
    assert found.stored.event_count == 2


ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
"""The event loop's own connections are for PostgreSQL only."""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_has_no_event_loop_connections_of_its_own(app: App) -> None:
    assert async_lookup(app.engine) is None  # SQLite reads on the loop, synchronously


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[psycopg.AsyncConnection[object]]:
    """Every connection AsyncProgressReads opens, in order."""
    made: list[psycopg.AsyncConnection[object]] = []
    connect = psycopg.AsyncConnection.connect

    async def recorded(*args: Any, **kwargs: Any) -> psycopg.AsyncConnection[Any]:
        connection = await connect(*args, **kwargs)
        made.append(connection)
        return connection

    monkeypatch.setattr(psycopg.AsyncConnection, "connect", recorded)
    return made


@ON_POSTGRESQL
def test_the_event_loops_read_is_the_driver_connections_read(
    app: App, charging: FakeChargingClient
) -> None:
    ingest(app, "c1", "Frage zu meiner Rechnung", "Vertrag verlängern")
    charging.script(Fault.REJECT)
    app.relay().work_once()
    ingest(app, "c2")
    frozen = ['{"a": "quote \\" backslash \\\\ ü \\n"}', 'line\nbreak, {braces}, "quoted"']
    with app.engine.begin() as connection:  # c2's frozen verdicts: what arrays must escape
        for seq, result in enumerate(frozen):
            connection.execute(
                text(
                    "INSERT INTO customer_call (program_id, customer_id, seq, result)"
                    " VALUES (:p, 'c2', :n, :r)"
                ),
                {"p": app.program.id, "n": seq, "r": result},
            )
    with app.uow(read_only=True) as work:
        stored = work.states.read(app.program.id, "c2")
    assert stored is not None
    assert stored.calls == tuple(frozen)
    reads = AsyncProgressReads(app.engine)
    lookup_async = async_lookup(app.engine)
    assert lookup_async is not None
    today = app.today()

    async def both() -> None:
        for program, customer in ((app.program.id, "c1"), (app.program.id, "c2"), ("x", "c1")):
            on_loop = await reads.read(program, customer)
            assert on_loop == ProgressReads(app.engine).read(program, customer)
        with_frozen = await reads.read(app.program.id, "c2")
        assert with_frozen is not None
        assert with_frozen.stored == stored
        assert await reads.read(app.program.id, "nobody") is None
        refused = await reads.read(app.program.id, "c1")
        assert refused is not None
        assert refused.refused == {("portal_registration", "once")}
        found = await lookup_async(app.program.id, "c1", today)
        expected = lookup_progress(
            engine=app.engine, program_id=app.program.id, customer_id="c1", as_of=today
        )
        assert found == expected
        with pytest.raises(UnknownCustomer):
            await lookup_async(app.program.id, "nobody", today)

    asyncio.run(both())


@ON_POSTGRESQL
def test_concurrent_reads_share_a_few_autocommit_connections(
    app: App, opened: list[psycopg.AsyncConnection[Any]]
) -> None:
    ingest(app, "c1")
    reads = AsyncProgressReads(app.engine, size=3)

    async def many() -> tuple[list[LookupRow | None], list[list[tuple[Any, ...]]]]:
        found = await asyncio.gather(*(reads.read(app.program.id, "c1") for _ in range(40)))
        prepared = []
        for connection in opened:
            cursor = await connection.execute("SELECT name FROM pg_prepared_statements")
            prepared.append(await cursor.fetchall())
        return found, prepared

    found, prepared = asyncio.run(many())
    assert all(row is not None and row.stored.event_count == 2 for row in found)
    assert len(opened) == 3
    assert all(c.autocommit and c.info.transaction_status.name == "IDLE" for c in opened)
    assert prepared == [[("selfcare_progress_lookup",)]] * 3  # prepared once on each
    app.engine.dispose()  # closes the idle connections
    assert all(c.closed for c in opened)


@ON_POSTGRESQL
def test_a_read_on_a_connection_the_server_dropped_is_tried_again_on_a_fresh_one(
    app: App, opened: list[psycopg.AsyncConnection[Any]]
) -> None:
    ingest(app, "c1")
    reads = AsyncProgressReads(app.engine, size=1)

    async def read() -> LookupRow | None:
        return await reads.read(app.program.id, "c1")

    async def twice() -> None:
        assert await read() is not None
        dropped = opened[0].info.backend_pid
        with app.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
            connection.commit()
        found = await read()  # the idle connection fails; a fresh one answers
        assert found is not None
        assert found.stored.event_count == 2
        assert len(opened) == 2
        assert opened[0].closed
        assert opened[1].info.backend_pid != dropped
        assert await read() is not None
        assert len(opened) == 2  # the fresh one went back to the pool

    asyncio.run(twice())
    reads.close()
    assert all(c.closed for c in opened)
