"""A progress lookup in process, without HTTP: the reads of `GET …/progress` on SQLite and
PostgreSQL, for this tree and (with `--before REV`) an earlier revision, side by side.

The HTTP benchmark (bench/api_latency.py) puts 50 clients and the server on the same two
cores, where queueing and the web stack hide the database's share; this one times only
what the lookup asks of storage (snapshot and grants of a random one of 2,000 stored
customers), median wall time and CPU per lookup, one process per measurement. On PostgreSQL
the read the server answers with (`async_lookup`, on the event loop) is timed too, in the
same process after the thread's read (`event_loop`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.compare import ROOT, export, run_in

# Runs inside either tree: the old lookup (snapshot, then grants) or the new one.
CHILD = """
import asyncio, json, random, sys, tempfile, time
from bench.ingest import pg_schema, _clock
from bench.ingest_data import events
from selfcare.bootstrap import build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.ingest.service import ingest_rows
from selfcare.customers import queries
from selfcare.grants.ledger import customer_grants

def lookup(app, customer, today):
    if hasattr(queries, "lookup_progress"):
        return queries.lookup_progress(
            engine=app.engine, program_id=app.program.id, customer_id=customer, as_of=today
        ).progress
    if hasattr(queries, "snapshot_and_grants"):
        return queries.snapshot_and_grants(
            uow=app.uow, program_id=app.program.id, customer_id=customer, as_of=today
        ).progress
    progress = queries.current_snapshot(
        uow=app.uow, program_id=app.program.id, customer_id=customer, as_of=today
    )
    customer_grants(uow=app.uow, customer_id=customer)
    return progress

def run(url):
    app = build(Settings(database_url=url), charging=FakeChargingClient(), clock=_clock)
    rows = events(10000, per_customer=5)
    ingest_rows(app.ingestor, list(enumerate(rows, 1)), source="bench")
    ids = sorted({r["customer_id"] for r in rows})
    rng, today = random.Random(5), app.today()
    for customer in ids[:200]:
        lookup(app, customer, today)
    walls, started = [], time.process_time()
    for _ in range(1500):
        begun = time.perf_counter()
        assert lookup(app, rng.choice(ids), today) is not None
        walls.append(time.perf_counter() - begun)
    result = summary(walls, started)
    on_loop = getattr(queries, "async_lookup", lambda engine: None)(app.engine)
    if on_loop is not None:  # PostgreSQL: the served read, on the event loop
        result["event_loop"] = asyncio.run(timed_on_loop(on_loop, app, ids, rng, today))
    app.close()
    return result

async def timed_on_loop(on_loop, app, ids, rng, today):
    for customer in ids[:200]:
        await on_loop(app.program.id, customer, today)
    walls, started = [], time.process_time()
    for _ in range(1500):
        begun = time.perf_counter()
        assert await on_loop(app.program.id, rng.choice(ids), today) is not None
        walls.append(time.perf_counter() - begun)
    return summary(walls, started)

def summary(walls, started):
    cpu = (time.process_time() - started) / len(walls)
    walls.sort()
    return {"wall_ms_median": round(walls[750] * 1000, 3), "cpu_ms": round(cpu * 1000, 3)}

if sys.argv[1] == "sqlite":
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(run(f"sqlite:///{folder}/lookup.db")))
else:
    with pg_schema(sys.argv[2]) as url:
        print(json.dumps(run(url)))
"""


def measure_in(tree: Path, backend: str, pg: str) -> dict[str, Any]:
    return run_in(tree, CHILD, backend, pg)


def measure(before: str | None, pg: str | None, rounds: int = 2) -> dict[str, Any]:
    """Rounds alternate the trees, so both meet the same load; the best round counts."""
    backends = ["sqlite", *(["postgresql"] if pg else [])]
    with tempfile.TemporaryDirectory() as folder:
        trees = {"after": ROOT}
        document: dict[str, Any] = {}
        if before:
            document["before_revision"] = export(before, Path(folder))
            trees = {"before": Path(folder), "after": ROOT}
        runs: dict[str, dict[str, list[dict[str, Any]]]] = {
            side: {b: [] for b in backends} for side in trees
        }
        for _ in range(rounds):
            for side, tree in trees.items():
                for backend in backends:
                    runs[side][backend].append(measure_in(tree, backend, pg or ""))
    for side, by_backend in runs.items():
        document[side] = {
            b: min(found, key=lambda r: r["wall_ms_median"]) for b, found in by_backend.items()
        }
        if "postgresql" in by_backend:
            best = document[side]
            best["postgresql_over_sqlite"] = round(
                best["postgresql"]["wall_ms_median"] / best["sqlite"]["wall_ms_median"], 2
            )
    return document
