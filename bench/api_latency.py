"""API latency under 50 concurrent clients on loopback: progress lookup and single ingest.

Starts the real `selfcare serve` (a subprocess, relay off) on SQLite and, when
SELFCARE_TEST_PG_URL is set, on PostgreSQL; loads customers through the batch API; then 50
clients (bench/loopback.py, one keep-alive connection each) measure every request.
Targets (issue 3): p99 < 20 ms for a progress lookup, < 30 ms for a single-event ingest.
Clients and server share this machine's cores, so the numbers include that contention.

Two load models: saturated (each client sends its next request as soon as the last is
answered: latency is then mostly queueing, by Little's law 50 / throughput) and paced (the
clients together offer a fixed rate: latency at a given traffic). Run:
`python -m bench.api_latency [--customers 2000] [--requests 4000] [--before REV]
[--kinds progress_lookup]`; JSON goes to bench/results/api_latency.json.

With `--before REV` the earlier revision's `selfcare serve` (its tree exported with `git
archive`, same interpreter and packages) is measured in the same run, trees alternating per
backend, so both meet the same load. Each measurement also records the server's CPU per
request (from /proc), the load generator's, and what the generator does against a server
that answers without doing anything (`generator_ceiling`): on two shared cores the client
must stay far below that, or it, not the service, is what is measured.
"""

from __future__ import annotations

import argparse
import importlib.util
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.compare import ROOT, export
from bench.ingest import pg_schema
from bench.ingest_data import events
from bench.loopback import Connection, Request, measure, run

RESULTS = Path(__file__).parent / "results" / "api_latency.json"
TARGET_P99_MS = {"progress_lookup": 20.0, "single_event_ingest": 30.0}
_RUNNING = re.compile(r"Uvicorn running on (?P<url>http://\S+)")


def tree_env(tree: Path, database_url: str) -> dict[str, str]:
    """The environment that runs `tree`'s selfcare (its src first on the path)."""
    paths = [str(tree / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return os.environ | {
        "SELFCARE_DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(paths),
    }


@dataclass
class Served:
    """A running `selfcare serve`: its base URL and process (for its CPU time)."""

    url: str
    pid: int

    def cpu_s(self) -> float | None:
        """User + system CPU seconds of the server so far (None off Linux)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(database_url: str, workdir: Path, tree: Path = ROOT) -> Iterator[Served]:
    """`selfcare serve` of `tree` on a free port with its access log off."""
    env = tree_env(tree, database_url)
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
        yield Served(match.group("url"), process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def api_key(database_url: str, workdir: Path, tree: Path = ROOT) -> str:
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
        env=tree_env(tree, database_url),
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


def timed(server: Served, total: int, request: Request, rate: float | None) -> dict[str, Any]:
    """One measurement, with the server's and the load generator's CPU per request."""
    server_before, client_before = server.cpu_s(), time.process_time()
    result = run(measure(server.url, total, request, rate))
    server_after = server.cpu_s()
    done = max(1, result["requests"])
    if server_before is not None and server_after is not None:
        result["server_cpu_ms_per_request"] = round((server_after - server_before) * 1000 / done, 3)
    result["client_cpu_ms_per_request"] = round(
        (time.process_time() - client_before) * 1000 / done, 3
    )
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def measure_kind(
    server: Served, request: Request, *, requests: int, rates: list[float], target: float
) -> dict[str, Any]:
    """Saturation first, then each paced rate for about five seconds."""
    saturated = timed(server, requests, request, None)
    paced = [timed(server, max(500, int(rate * 5)), request, rate) for rate in rates]
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
    name: str,
    database_url: str,
    *,
    customers: int,
    requests: int,
    rates: dict[str, list[float]],
    tree: Path = ROOT,
) -> dict[str, Any]:
    """Load the customers, then measure the scenarios on one served database."""
    history = events(customers * 5, per_customer=5)
    ids = sorted({row["customer_id"] for row in history})
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        if database_url == "sqlite":
            database_url = f"sqlite:///{workdir / 'bench.db'}"
        key = api_key(database_url, workdir, tree)
        with serving(database_url, workdir, tree) as server:
            load(server.url, key, history)
            chosen = scenarios(key, ids, random.Random(42))
            run(measure(server.url, 500, chosen["progress_lookup"], None))  # warm-up

            async def health(connection: Connection, _: int) -> int:
                return await connection.send("GET", "/health", key)

            results = {
                kind: measure_kind(
                    server,
                    chosen[kind],
                    requests=requests,
                    rates=kind_rates,
                    target=TARGET_P99_MS[kind],
                )
                for kind, kind_rates in rates.items()
            }
            results["health_saturated"] = timed(server, requests, health, None)
    return {"backend": name, "customers": len(ids), "preloaded_events": len(history), **results}


TRIVIAL_SERVER = """
import asyncio, sys
ANSWER = b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: 2\\r\\n\\r\\n{}"
class Answer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""
    def data_received(self, data):
        self.buffer += data
        while (end := self.buffer.find(b"\\r\\n\\r\\n")) >= 0:
            self.buffer = self.buffer[end + 4:]
            self.transport.write(ANSWER)
async def main():
    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def generator_ceiling(requests: int) -> dict[str, Any]:
    """What the load generator does against a server that answers at once, without work
    (one asyncio process): the ceiling under which every figure here stays."""
    process = subprocess.Popen(
        [sys.executable, "-c", TRIVIAL_SERVER], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        server = Served(f"http://127.0.0.1:{process.stdout.readline().strip()}", process.pid)

        async def nothing(connection: Connection, _: int) -> int:
            return await connection.send("GET", "/", "-")

        return timed(server, requests, nothing, None)
    finally:
        process.terminate()
        process.wait(timeout=30)


def backends() -> list[tuple[str, str]]:
    pg = os.environ.get("SELFCARE_BENCH_PG_URL") or os.environ.get("SELFCARE_TEST_PG_URL", "")
    if not pg:
        print(
            "SELFCARE_BENCH_PG_URL / SELFCARE_TEST_PG_URL not set: PostgreSQL run skipped",
            file=sys.stderr,
        )
    return [("sqlite", "sqlite"), *([("postgresql", pg)] if pg else [])]


def run_all(trees: dict[str, Path], options: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every backend for every tree, the trees alternating within each backend."""
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in trees}
    for name, url in backends():
        for side, tree in trees.items():
            if name == "sqlite":
                runs[side].append(run_backend(name, url, tree=tree, **options))
                continue
            with pg_schema(url) as schema_url:
                runs[side].append(run_backend(name, schema_url, tree=tree, **options))
    return runs


def server_stack() -> dict[str, bool]:
    """Whether uvicorn finds uvloop and httptools here (its "auto" picks them then)."""
    return {name: importlib.util.find_spec(name) is not None for name in ("uvloop", "httptools")}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--lookup-rates", default="250,500,1000", help="paced lookups/s")
    parser.add_argument("--ingest-rates", default="50,100,200", help="paced ingests/s")
    parser.add_argument(
        "--kinds", default=",".join(TARGET_P99_MS), help="progress_lookup,single_event_ingest"
    )
    parser.add_argument("--before", default=None, help="also serve this earlier revision")
    parser.add_argument("--note", default="", help="what to say about this run in the JSON")
    args = parser.parse_args(argv)
    all_rates = {
        "progress_lookup": [float(r) for r in args.lookup_rates.split(",")],
        "single_event_ingest": [float(r) for r in args.ingest_rates.split(",")],
    }
    rates = {kind: all_rates[kind] for kind in args.kinds.split(",")}
    load_at_start = os.getloadavg()
    options: dict[str, Any] = {
        "customers": args.customers,
        "requests": args.requests,
        "rates": rates,
    }
    ceiling = generator_ceiling(args.requests * 2)
    with tempfile.TemporaryDirectory() as folder:
        trees = {"after": ROOT}
        before = None
        if args.before:
            before = export(args.before, Path(folder))
            trees = {"before": Path(folder), "after": ROOT}
        runs = run_all(trees, options)
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
        "server_stack": server_stack(),
        "note": (
            "client and server share the machine's cores (loopback); saturated: each of the "
            "50 clients sends its next request when the last is answered; paced: the 50 "
            "clients together start `offered_rate_per_s` requests per second, latency "
            "counted from each request's scheduled start. " + args.note
        ).strip(),
        "generator_ceiling": ceiling,
        "runs": runs["after"],
    }
    if before is not None:
        document["before_revision"] = before
        document["before_runs"] = runs["before"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(document, indent=2))
    return document


if __name__ == "__main__":
    main()
