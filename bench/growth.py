"""One customer with N events stored, then one more event at a time: does it cost more?

The whole ingest path on SQLite (validate, store, lock the customer's state, fold, write
state, verdicts and grants, commit) for `ARRIVALS` further events of one customer whose N
events are stored already, each arriving after all the others (the common case). Reported:
CPU seconds per event (this process; immune to other processes on a shared machine) and
wall time, for several N side by side, each also as a multiple of N = 10 (the target: within
2x up to 10,000). `--before REV` runs the same in an earlier revision's tree (exported with
`git archive`, like `bench.compare`) in the same run, so both meet the same load.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.compare import ROOT, export, run_in

SIZES = (10, 1_000, 5_000, 10_000)
ARRIVALS = 20
# Runs inside either tree: only what both have (build, ingest_rows, the fake charging).
CHILD = """
import json, sys, tempfile, time
from datetime import UTC, datetime, timedelta
from selfcare.bootstrap import build
from selfcare.config import Settings
from selfcare.grants.charging import FakeChargingClient
from selfcare.ingest.service import ingest_rows

size, arrivals = int(sys.argv[1]), int(sys.argv[2])
start = datetime(2024, 1, 1, 8, tzinfo=UTC)
texts = ("Frage zu meiner Rechnung", "Ich habe kein Netz", "Wann kommt mein Paket", "Hallo")

def row(n):
    at = (start + timedelta(hours=7 * n)).isoformat()
    if n == 0:
        return {"event_id": "e0", "customer_id": "c", "type": "invitation_accepted",
                "occurred_at": at}
    if n % 5 == 0:
        return {"event_id": f"e{n}", "customer_id": "c", "type": "speedcheck_deviation",
                "occurred_at": at}
    return {"event_id": f"e{n}", "customer_id": "c", "type": "hotline_call",
            "occurred_at": at, "text": f"{texts[n % 4]} ({n})"}

now = start + timedelta(hours=7 * (size + arrivals + 1))
with tempfile.TemporaryDirectory() as folder:
    app = build(Settings(database_url=f"sqlite:///{folder}/g.db"),
                charging=FakeChargingClient(), clock=lambda: now)
    rows = [row(n) for n in range(size)]
    for first in range(0, size, 10_000):
        ingest_rows(app.ingestor, list(enumerate(rows[first:first + 10_000], 1)), source="g")
    cpu, wall = [], []
    for n in range(size, size + arrivals):
        c, w = time.process_time(), time.perf_counter()
        ingest_rows(app.ingestor, [(1, row(n))], source="g")
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    app.close()
cpu.sort(); wall.sort()
print(json.dumps({"events_before": size, "arrivals": arrivals,
                  "cpu_ms_per_event_median": round(cpu[len(cpu) // 2] * 1000, 2),
                  "wall_ms_per_event_median": round(wall[len(wall) // 2] * 1000, 2)}))
"""


def measure_in(tree: Path, size: int, arrivals: int) -> dict[str, Any]:
    return run_in(tree, CHILD, str(size), str(arrivals))


def series(tree: Path, sizes: tuple[int, ...], arrivals: int) -> list[dict[str, Any]]:
    """Each N, with its CPU cost per event as a multiple of the first (N = 10)."""
    rows = [measure_in(tree, size, arrivals) for size in sizes]
    base = rows[0]["cpu_ms_per_event_median"]
    for row in rows:
        row["cpu_vs_first"] = round(row["cpu_ms_per_event_median"] / base, 2)
    return rows


def measure(before: str | None, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """This tree (and an earlier revision's, given one), sizes side by side."""
    document: dict[str, Any] = {"after": series(ROOT, sizes, ARRIVALS)}
    if before:
        with tempfile.TemporaryDirectory() as folder:
            commit = export(before, Path(folder))
            document["before_revision"] = commit
            document["before"] = series(Path(folder), sizes, max(3, ARRIVALS // 4))
    last = document["after"][-1]
    document["target"] = "cost per event within 2x of N = 10 up to N = 10,000"
    document["met"] = last["cpu_vs_first"] <= 2.0
    return document
