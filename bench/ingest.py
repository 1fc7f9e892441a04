"""Batch ingest throughput into SQLite and PostgreSQL, next to raw PostgreSQL COPY.

Every number comes from the same rows in the same run. The service path is the whole
ingest use case (validate, quarantine, store once, fold each customer's state, project
progress, write due grants with their outbox entries) in transactions of 10,000 events.
The COPY baseline moves the very same rows, already in table form, into an identical
`events` table with `COPY … FROM STDIN`: the physical limit of this machine.

The events come customer by customer (a first load: each batch meets new customers). They
are also sent in time order (`…_time_ordered`, the steady state: a batch of a day's events
meets customers with history, whose stored state is read, extended and projected again).

Targets (issue 3): service ≥ 30 % of COPY, and ≥ 20,000 events/s in batches on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from bench.ingest_data import events
from selfcare.bootstrap import build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.ingest.edge import EARLIEST_DEFAULT
from selfcare.ingest.records import Candidate, check_row, stored_event
from selfcare.ingest.service import ingest_rows
from selfcare.store.repository import event_values

BATCH = 10_000
CLOCK = datetime(2026, 3, 1, 12, tzinfo=UTC)
EARLIEST = datetime.combine(EARLIEST_DEFAULT, datetime.min.time(), tzinfo=UTC)  # as the service
TARGET_EVENTS_PER_S = 20_000
TARGET_SHARE_OF_COPY = 0.30


def _clock() -> datetime:
    return CLOCK


@contextmanager
def pg_schema(base: str) -> Iterator[str]:
    """A fresh schema for one measurement; its URL points the search_path at it."""
    plain = base.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in plain else "?"
    try:
        yield f"{plain}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def service_rate(url: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Events/s through the ingest service, batches of 10,000, one client."""
    app = build(Settings(database_url=url), charging=FakeChargingClient(), clock=_clock)
    try:
        started = time.perf_counter()
        accepted = grants = 0
        for start in range(0, len(rows), BATCH):
            part = list(enumerate(rows[start : start + BATCH], start=1))
            report = ingest_rows(app.ingestor, part, source="bench")
            accepted, grants = accepted + report.accepted, grants + len(report.grants)
        seconds = time.perf_counter() - started
    finally:
        app.close()
    assert accepted == len(rows), f"only {accepted} of {len(rows)} stored"
    return {
        "events": len(rows),
        "seconds": round(seconds, 3),
        "events_per_s": round(len(rows) / seconds),
        "grants_written": grants,
    }


def _worker(args: tuple[str, list[dict[str, Any]], Any]) -> tuple[float, float, int]:
    """One client: wire up, wait for the others, then send its batches; wall-clock span."""
    url, rows, ready = args
    app = build(
        Settings(database_url=url),
        charging=FakeChargingClient(),
        clock=_clock,
        run_migrations=False,
    )
    try:
        ready.wait()
        started = time.time()
        for start in range(0, len(rows), BATCH):
            part = list(enumerate(rows[start : start + BATCH], start=1))
            ingest_rows(app.ingestor, part, source="bench")
        return started, time.time(), len(rows)
    finally:
        app.close()


def parallel_service_rate(url: str, rows: list[dict[str, Any]], clients: int) -> dict[str, Any]:
    """Events/s with several clients sending disjoint batches at once (one process each),
    timed from the moment all are ready to the end of the last one."""
    build(Settings(database_url=url), charging=FakeChargingClient(), clock=_clock).close()
    shares = [rows[n::clients] for n in range(clients)]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(clients) as pool:
        ready = manager.Barrier(clients)
        spans = pool.map(_worker, [(url, share, ready) for share in shares])
    seconds = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    stored = sum(count for _, _, count in spans)
    return {
        "clients": clients,
        "events": stored,
        "seconds": round(seconds, 3),
        "events_per_s": round(stored / seconds),
    }


def table_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows exactly as the service writes them into `events`."""
    out = []
    for line, row in enumerate(rows, start=1):
        checked = check_row(
            line, row, source="bench", now=CLOCK, tolerance=timedelta(0), earliest=EARLIEST
        )
        assert isinstance(checked, Candidate)
        out.append(event_values(stored_event(checked, source="bench", received_at=CLOCK)))
    return out


def copy_rate(url: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Events/s of raw COPY of the same rows into the same (migrated) events table."""
    build(Settings(database_url=url), charging=FakeChargingClient(), clock=_clock).close()
    prepared = table_rows(rows)
    names = list(prepared[0])
    values = [[r[n] for n in names] for r in prepared]
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for start in range(0, len(values), BATCH):
                with cursor.copy(f"COPY events ({', '.join(names)}) FROM STDIN") as copy:
                    for value in values[start : start + BATCH]:
                        copy.write_row(value)
                connection.commit()
        seconds = time.perf_counter() - started
    return {
        "events": len(values),
        "seconds": round(seconds, 3),
        "events_per_s": round(len(values) / seconds),
    }


def time_ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same rows in the order they happened (ties by event id)."""
    return sorted(rows, key=lambda r: (r["occurred_at"], r["event_id"]))


def measure(count: int, pg_url: str | None, workdir: Path) -> dict[str, Any]:
    """All ingest measurements on `count` events; PostgreSQL ones only with a URL."""
    rows = events(count)
    texts = [r["text"] for r in rows if "text" in r]
    results: dict[str, Any] = {
        "data": {"calls": len(texts), "distinct_call_texts": len(set(texts))}
    }
    sqlite_file = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
    try:
        results["sqlite_service"] = service_rate(f"sqlite:///{sqlite_file}", rows)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    if pg_url:
        with pg_schema(pg_url) as url:
            results["postgresql_copy"] = copy_rate(url, rows)
        with pg_schema(pg_url) as url:
            results["postgresql_service"] = service_rate(url, rows)
        with pg_schema(pg_url) as url:
            results["postgresql_service_time_ordered"] = service_rate(url, time_ordered(rows))
        clients = max(2, min(4, os.cpu_count() or 2))
        with pg_schema(pg_url) as url:
            results["postgresql_service_parallel"] = parallel_service_rate(url, rows, clients)
    return results


def verdict(results: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets as ratios (1.0 = met exactly)."""
    if "postgresql_service" not in results:
        return {
            "note": "PostgreSQL not measured: set SELFCARE_BENCH_PG_URL or SELFCARE_TEST_PG_URL"
        }
    single = results["postgresql_service"]["events_per_s"]
    ordered = results["postgresql_service_time_ordered"]["events_per_s"]
    parallel = results["postgresql_service_parallel"]["events_per_s"]
    copy = results["postgresql_copy"]["events_per_s"]
    return {
        "share_of_copy": round(single / copy, 3),
        "share_of_copy_target": TARGET_SHARE_OF_COPY,
        "share_of_copy_vs_target": round(single / copy / TARGET_SHARE_OF_COPY, 3),
        "events_per_s_vs_target": round(single / TARGET_EVENTS_PER_S, 3),
        "time_ordered_events_per_s_vs_target": round(ordered / TARGET_EVENTS_PER_S, 3),
        "parallel_events_per_s_vs_target": round(parallel / TARGET_EVENTS_PER_S, 3),
        "met": {
            "share_of_copy": single / copy >= TARGET_SHARE_OF_COPY,
            "events_per_s_single_client": single >= TARGET_EVENTS_PER_S,
            "events_per_s_time_ordered": ordered >= TARGET_EVENTS_PER_S,
            "events_per_s_parallel_clients": parallel >= TARGET_EVENTS_PER_S,
        },
    }
