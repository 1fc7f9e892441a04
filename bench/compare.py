"""Before and after in the same conditions: the ingest service of an earlier revision next
to the working tree's, on the same rows, in alternating rounds.

    python -m bench.compare cf590d6 --events 100000 --rounds 2
    python -m bench.compare /tmp/some-tree      # a folder holding the "before" sources

The earlier revision is exported with `git archive` into a temporary folder (a folder given
instead is used as it is). Every
measurement runs in a process of its own with one tree first on the path (its `bench` and
its `selfcare`), so neither inherits the other's caches; rounds alternate before, after,
before, after, so both meet the same load on a shared machine. Each scenario reports every
round and the best. Writes bench/results/ingest_before_after.json (or --output NAME).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.run import machine, pg_url, write

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {
    "sqlite_service": ("sqlite", "customer"),
    "postgresql_copy": ("postgresql", "copy"),
    "postgresql_service": ("postgresql", "customer"),
    "postgresql_service_time_ordered": ("postgresql", "time"),
    "postgresql_service_parallel": ("postgresql", "parallel"),
}
# Runs inside either tree: only what both trees have (events, service_rate, copy_rate,
# parallel_service_rate, pg_schema). COPY is the same in both: its rounds show the noise.
CHILD = """
import json, sys, tempfile
from bench.ingest import copy_rate, parallel_service_rate, pg_schema, service_rate
from bench.ingest_data import events
backend, order, count, pg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = events(count)
if order == "time":
    rows.sort(key=lambda r: (r["occurred_at"], r["event_id"]))
if backend == "sqlite":
    with tempfile.TemporaryDirectory() as folder:
        result = service_rate(f"sqlite:///{folder}/bench.db", rows)
else:
    with pg_schema(pg) as url:
        if order == "copy":
            result = copy_rate(url, rows)
        elif order == "parallel":
            result = parallel_service_rate(url, rows, 2)
        else:
            result = service_rate(url, rows)
print(json.dumps(result))
"""


def export(revision: str, folder: Path) -> str:
    """The revision's files in `folder`; returns its full commit id."""
    commit = subprocess.run(
        ["git", "rev-parse", revision], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return commit


def run_in(tree: Path, child: str, *args: str) -> dict[str, Any]:
    """Run the script `child` on `tree`'s code (a checkout of another revision, or this
    one) in a fresh process; its last line of output is its JSON result."""
    env = os.environ | {"PYTHONPATH": f"{tree}{os.pathsep}{tree / 'src'}"}
    done = subprocess.run(
        [sys.executable, "-c", child, *args],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_in(tree: Path, backend: str, order: str, count: int, pg: str) -> dict[str, Any]:
    return run_in(tree, CHILD, backend, order, str(count), pg)


def compare(before: Path, count: int, rounds: int, pg: str | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (backend, order) in SCENARIOS.items():
        if backend == "postgresql" and not pg:
            continue
        runs: dict[str, list[int]] = {"before": [], "after": []}
        for _ in range(rounds):
            for side, tree in (("before", before), ("after", ROOT)):
                rate = measure_in(tree, backend, order, count, pg or "")["events_per_s"]
                runs[side].append(rate)
        best = {side: max(rates) for side, rates in runs.items()}
        results[name] = {
            "before_events_per_s": runs["before"],
            "after_events_per_s": runs["after"],
            "best_before": best["before"],
            "best_after": best["after"],
            "speedup": round(best["after"] / best["before"], 2),
        }
    return results | _shares_of_copy(results)


def _shares_of_copy(results: dict[str, Any]) -> dict[str, Any]:
    """The issue's ratio on each side: best service rate over best COPY rate, same run."""
    if "postgresql_copy" not in results:
        return {}
    copy = results["postgresql_copy"]
    return {
        "share_of_copy": {
            side: {
                name: round(results[name][f"best_{side}"] / copy[f"best_{side}"], 3)
                for name in SCENARIOS
                if name.startswith("postgresql_service") and name in results
            }
            for side in ("before", "after")
        }
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("revision", help="the earlier revision (commit, tag, branch) or folder")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", default="ingest_before_after", help="bench/results/NAME.json")
    parser.add_argument("--note", default="", help="what the before tree is, for the JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        given = Path(args.revision)
        before = given.resolve() if given.is_dir() else Path(folder)
        commit = f"folder {before}" if given.is_dir() else export(args.revision, before)
        started = machine()
        results = compare(before, args.events, args.rounds, pg_url())
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    document = {
        "benchmark": "ingest_before_after",
        "before": commit,
        "note": args.note,
        "after": f"working tree at {head}",
        "events": args.events,
        "rounds": args.rounds,
        "results": results,
    }
    path = write(args.output, document, started)
    print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
