"""API latency under 50 concurrent clients on loopback: progress lookup and single ingest.

Starts the real `selfcare serve` (a subprocess, relay off) on SQLite and, when
SELFCARE_TEST_PG_URL is set, on PostgreSQL; loads customers through the batch API; then 50
clients (asyncio + httpx, one keep-alive connection each) measure every request.
Targets (issue 3): p99 < 20 ms for a progress lookup, < 30 ms for a single-event ingest.
Clients and server share this machine's cores, so the numbers include that contention.

Two load models: saturated (each client sends its next request as soon as the last is
answered: latency is then mostly queueing, by Little's law 50 / throughput) and paced (the
clients together offer a fixed rate: latency at a given traffic). Run:
`python -m bench.api_latency [--customers 2000] [--requests 4000]`; JSON goes to
bench/results/api_latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.ingest import pg_schema
from bench.ingest_data import events
from bench.loopback import Connection, Request, measure

RESULTS = Path(__file__).parent / "results" / "api_latency.json"
TARGET_P99_MS = {"progress_lookup": 20.0, "single_event_ingest": 30.0}
_RUNNING = re.compile(r"Uvicorn running on (?P<url>http://\S+)")


@contextmanager
def serving(database_url: str, workdir: Path) -> Iterator[str]:
    """`selfcare serve` on a free port with its access log off; yields the base URL."""
    env = os.environ | {"SELFCARE_DATABASE_URL": database_url}
    log = workdir / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "selfcare",
                "serve",
                "--port",
                "0",
                "--no-relay",
                "--no-access-log",
            ],
            env=env,
            cwd=workdir,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not (match := _RUNNING.search(log.read_text(errors="replace"))):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text(errors="replace"))
            time.sleep(0.1)
        yield match.group("url")
    finally:
        process.terminate()
        process.wait(timeout=30)


def api_key(database_url: str, workdir: Path) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "selfcare",
            "apikey",
            "create",
            "--name",
            "bench",
            "--scopes",
            "events:write,grants:read",
            "--format",
            "json",
        ],
        env=os.environ | {"SELFCARE_DATABASE_URL": database_url},
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    key: str = json.loads(done.stdout)["key"]
    return key


def load(url: str, key: str, rows: list[dict[str, Any]]) -> None:
    """Store the customers' histories through the batch API (10,000 per request)."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
        for start in range(0, len(rows), 10_000):
            answer = c.post("/api/v1/events:batch", json=rows[start : start + 10_000])
            answer.raise_for_status()


def scenarios(key: str, ids: list[str], rng: random.Random) -> dict[str, Request]:
    """A progress lookup of a random stored customer; a new call event for one."""

    async def lookup(connection: Connection, _: int) -> int:
        return await connection.send("GET", f"/api/v1/customers/{rng.choice(ids)}/progress", key)

    async def ingest(connection: Connection, n: int) -> int:
        event = {
            "event_id": f"bench-{n}-{uuid.uuid4().hex[:8]}",
            "customer_id": rng.choice(ids),
            "type": "hotline_call",
            "occurred_at": "2025-11-03T09:30:00Z",
            "text": "Frage zu meiner Rechnung",
        }
        return await connection.send("POST", "/api/v1/events", key, json.dumps(event).encode())

    return {"progress_lookup": lookup, "single_event_ingest": ingest}


def measure_kind(
    url: str, request: Request, *, requests: int, rates: list[float], target: float
) -> dict[str, Any]:
    """Saturation first, then each paced rate for about five seconds."""
    saturated = asyncio.run(measure(url, requests, request, None))
    paced = [asyncio.run(measure(url, max(500, int(rate * 5)), request, rate)) for rate in rates]
    for result in (saturated, *paced):
        result["meets_target"] = result["p99_ms"] < target
    meeting = [p["offered_rate_per_s"] for p in paced if p["meets_target"]]
    return {
        "target_p99_ms": target,
        "saturated": saturated,
        "paced": paced,
        "highest_paced_rate_meeting_target": max(meeting, default=None),
    }


def run_backend(
    name: str, database_url: str, *, customers: int, requests: int, rates: dict[str, list[float]]
) -> dict[str, Any]:
    """Load the customers, then measure both scenarios on one served database."""
    history = events(customers * 5, per_customer=5)
    ids = sorted({row["customer_id"] for row in history})
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        if database_url == "sqlite":
            database_url = f"sqlite:///{workdir / 'bench.db'}"
        key = api_key(database_url, workdir)
        with serving(database_url, workdir) as url:
            load(url, key, history)
            chosen = scenarios(key, ids, random.Random(42))
            asyncio.run(measure(url, 500, chosen["progress_lookup"], None))  # warm-up
            results = {
                kind: measure_kind(
                    url,
                    request,
                    requests=requests,
                    rates=rates[kind],
                    target=TARGET_P99_MS[kind],
                )
                for kind, request in chosen.items()
            }
    return {"backend": name, "customers": len(ids), "preloaded_events": len(history), **results}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--lookup-rates", default="250,500,1000", help="paced lookups/s")
    parser.add_argument("--ingest-rates", default="50,100,200", help="paced ingests/s")
    args = parser.parse_args(argv)
    rates = {
        "progress_lookup": [float(r) for r in args.lookup_rates.split(",")],
        "single_event_ingest": [float(r) for r in args.ingest_rates.split(",")],
    }
    load_at_start = os.getloadavg()
    options: dict[str, Any] = {
        "customers": args.customers,
        "requests": args.requests,
        "rates": rates,
    }
    runs = [run_backend("sqlite", "sqlite", **options)]
    pg = os.environ.get("SELFCARE_BENCH_PG_URL") or os.environ.get("SELFCARE_TEST_PG_URL", "")
    if pg:
        with pg_schema(pg) as url:
            runs.append(run_backend("postgresql", url, **options))
    else:
        print(
            "SELFCARE_BENCH_PG_URL / SELFCARE_TEST_PG_URL not set: PostgreSQL run skipped",
            file=sys.stderr,
        )
    document = {
        "benchmark": "api_latency",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
        "note": (
            "client and server share the machine's cores (loopback); saturated: each of the "
            "50 clients sends its next request when the last is answered; paced: the 50 "
            "clients together start `offered_rate_per_s` requests per second, latency "
            "counted from each request's scheduled start"
        ),
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(document, indent=2))
    return document


if __name__ == "__main__":
    main()
