"""Pilot analysis at scale: simulate N customers, then time `analyze` from the files.

The issue's target is 1 M customers with 20 M events in under 2 minutes and 4 GB on the
2-core machine; `python -m bench.run pilot --pilot-customers 1000000` measures it (the
default is smaller so that `make bench` stays short).
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from selfcare.pilot.service import analyze_files, simulate_to
from selfcare.pilot.simulate import Scenario
from selfcare.program.load import BUNDLED_EXAMPLE

EXAMPLE = Path(__file__).parents[1] / "examples" / BUNDLED_EXAMPLE


def measure(customers: int) -> dict[str, Any]:
    """Seconds (wall and CPU) and peak memory of one analysis, and the effect against truth."""
    scenario = Scenario(customers=customers, months=6, pre_months=6)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        started = time.perf_counter()
        simulated = simulate_to(out=out, scenario=scenario)
        simulate_s = time.perf_counter() - started
        wall, cpu = time.perf_counter(), time.process_time()
        document = analyze_files(
            program=EXAMPLE,
            assignments=out / "assignments.csv",
            events=out / "events.jsonl",
            start=date(2025, 1, 1),
            end=date(2025, 7, 1),
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "customers": customers,
        "events": simulated["events"],
        "simulate_s": round(simulate_s, 1),
        "analyze_wall_s": round(wall, 1),
        "analyze_cpu_s": round(cpu, 1),
        "peak_rss_mb": round(peak_mb),
        "effect": document["itt"]["effect"],
        "ci": [document["itt"]["ci_low"], document["itt"]["ci_high"]],
        "true_effect": simulated["truth"]["itt_effect"],
        "target": "1 M customers / 20 M events: analyze < 120 s, < 4 GB",
    }
