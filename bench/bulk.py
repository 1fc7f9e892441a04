"""The bulk engine at scale: generated Parquet in, the facts Parquet out (issue 13).

Each engine runs as its own process on the same generated data in one run: DuckDB end to
end on the nightly path (`facts_path`: every customer's facts computed and written by the
engine, caps included, no Python per customer; call texts by the SQL lexicon, and at the
smallest size once more by the Python classifier, side by side), the reference evaluator on
a sample writing the same facts from its results (its throughput scaled), Spark local for
the record; wall time, events/s and peak RSS (`os.wait4`). The DuckDB run at several sizes
gives the exponent of time ~ events^k (1 is linear). Call texts are drawn from some
thousands of distinct ones (phrases with a customer's own details), as agents' notes are.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bench.evaluate import TreeMemory
from selfcare.bulk.run import PART_EVENTS

AS_OF = "2026-06-01"
EVENTS_PER_CUSTOMER = 20
TYPES = np.array(
    ["portal_registered", "app_first_login", "bill_video_completed", "hotline_call",
     "chat_contact", "speedcheck_deviation", "network_outage", "contract_ended"]
)  # fmt: skip
WEIGHTS = np.array([0.06, 0.06, 0.04, 0.55, 0.2, 0.06, 0.02, 0.01])
CODES = np.array(["", "", "", "VVL", "MAHNUNG", "NETZ", "KUENDIGUNG", "TARIF"])
TEXTS = np.array(
    ["", "Frage zu meiner Rechnung", "Ich möchte kündigen", "Kein Empfang seit gestern",
     "Vertragsverlängerung bitte", "Wie ändere ich meinen Tarif?", "Mahnung erhalten",
     "Das Internet ist langsam", "Ich will nicht kündigen", "Roaming in Italien"]
)  # fmt: skip
DETAILS = (
    [f"seit {n} Tagen" for n in range(1, 40)]
    + [f"Kundennummer {n}" for n in range(100, 220)]
    + [f"Vertrag {n}" for n in range(3000, 3120)]
    + ["bitte Rückruf", "dringend", "schon wieder", "zum dritten Mal", "", "!!", "danke"]
)
TEXT_POOL = np.array(
    [f"{phrase} {detail}".strip() if phrase else "" for phrase in TEXTS for detail in DETAILS]
)
"""Each phrase with one of some 290 details: about 2,600 distinct texts (one empty)."""
MEMORY_LIMIT = "3GB"
"""DuckDB's buffer limit in the benchmark (the target is a peak under 4 GB; DuckDB writes
what does not fit to a spill folder beside the outputs)."""
START = np.datetime64("2024-06-01T00:00:00", "s")
SPAN_S = 700 * 86_400


def generate(events: int, folder: Path, *, seed: int = 13, files: int = 8) -> Path:
    """`events` events of events/20 customers as a Parquet lake (one enrollment each, tasks,
    calls with reason codes and texts, diagnoses, a few contract ends), shuffled by time.
    A folder that already holds this lake (its marker says so) is kept: generating 100 M
    events takes longer than evaluating them."""
    marker = folder / "_generated.json"
    wanted = {"events": events, "seed": seed, "files": files, "version": 1}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return folder
    rng = np.random.default_rng(seed)
    customers = max(1, events // EVENTS_PER_CUSTOMER)
    folder.mkdir(parents=True, exist_ok=True)
    per_file = math.ceil(events / files)
    for part in range(files):
        lo, hi = part * per_file, min(events, (part + 1) * per_file)
        if lo >= hi:
            break
        index = np.arange(lo, hi)
        who = index % customers
        kind = TYPES[rng.choice(len(TYPES), size=hi - lo, p=WEIGHTS)]
        kind = np.where(index < customers, "invitation_accepted", kind)
        at = START + rng.integers(0, SPAN_S, size=hi - lo).astype("timedelta64[s]")
        delay = rng.choice([0, 0, 0, 300, 3 * 86_400], size=hi - lo).astype("timedelta64[s]")
        contact = np.isin(kind, ["hotline_call", "chat_contact"])
        table = pa.table(
            {
                "event_id": pa.array(np.char.add("e", index.astype(str))),
                "customer_id": pa.array(np.char.add("c", who.astype(str))),
                "type": pa.array(kind),
                "occurred_at": pa.array(at, pa.timestamp("s", tz="UTC")),
                "recorded_at": pa.array(at + delay, pa.timestamp("s", tz="UTC")),
                "reason_code": _sometimes(rng, CODES, contact),
                "text": _sometimes(rng, TEXT_POOL, contact),
                "direction": pa.array(
                    np.where(contact & (rng.random(hi - lo) < 0.1), "outbound", "inbound")
                ),
                "reached_agent": pa.array(~contact | (rng.random(hi - lo) > 0.05)),
            }
        )
        pq.write_table(table, folder / f"part-{part:03d}.parquet")
    marker.write_text(json.dumps(wanted))
    return folder


def generate_apart(events: int, folder: Path) -> Path:
    """`generate` in a process of its own: made here, 100 M events leave this process at
    about 6 GB, and every measured process, forked from it, would report that as its own
    peak (`ru_maxrss`), as the 2026-11-26 run's 100 M and Spark rows did (6,316 MB both)."""
    code = "import sys; from pathlib import Path; from bench.bulk import generate; "
    code += "generate(int(sys.argv[1]), Path(sys.argv[2]))"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[1])}
    subprocess.run([sys.executable, "-c", code, str(events), str(folder)], check=True, env=env)
    return folder


def _sometimes(rng: np.random.Generator, pool: np.ndarray, where: np.ndarray) -> pa.Array:
    values = pool[rng.integers(0, len(pool), size=len(where))]
    return pa.array(values, mask=~(where & (values != "")))


BULK = (
    "import sys, json, time\n"
    "from datetime import date\n"
    "from pathlib import Path\n"
    "from selfcare.bulk.backends import connect\n"
    "from selfcare.bulk.run import BulkRun, facts_path\n"
    "from selfcare.program.load import bundled_example\n"
    "engine = connect(sys.argv[1], memory_limit=sys.argv[6] or None,\n"
    "                 spill_to=sys.argv[7] or None)\n"
    "run = BulkRun(text_seam=sys.argv[5])\n"
    "started = time.perf_counter()\n"
    "facts_path(engine, Path(sys.argv[2]), bundled_example(),\n"
    "           date.fromisoformat(sys.argv[3]), Path(sys.argv[4]), run=run)\n"
    "print(json.dumps({'in_process_s': round(time.perf_counter() - started, 2),\n"
    "                  'fact_rows': run.rows, 'rounds': run.rounds,\n"
    "                  'cap_rounds': run.cap_rounds, 'refused': run.refused,\n"
    "                  'parts': run.parts,\n"
    "                  'text_seam': run.text_seam, 'texts': run.texts.as_json()}))\n"
)
REFERENCE = (
    "import sys\n"
    "from datetime import date\n"
    "from pathlib import Path\n"
    "from selfcare.bulk.facts import write_progress_facts\n"
    "from selfcare.evaluation.service import Tally, evaluate_stream, valid_events\n"
    "from selfcare.program.load import bundled_example\n"
    "tally = Tally()\n"
    "program = bundled_example()\n"
    "stream = valid_events(Path(sys.argv[1]), tally=tally, on_problem=lambda p: None)\n"
    "customers = evaluate_stream(program, stream, date.fromisoformat(sys.argv[2]))\n"
    "for _ in write_progress_facts(program, customers, Path(sys.argv[3])):\n"
    "    pass\n"
)


FLOOR = (
    "import sys, json, time\n"
    "import duckdb\n"
    "con = duckdb.connect()\n"
    'con.execute("SET memory_limit = \'" + sys.argv[3] + "\'")\n'
    'con.execute("SET temp_directory = \'" + sys.argv[4] + "\'")\n'
    "lake = sys.argv[1].replace(\"'\", \"''\") + '/*.parquet'\n"
    'target = sys.argv[2].replace("\'", "\'\'")\n'
    "started = time.perf_counter()\n"
    'read = con.execute(f"SELECT count(*), sum(length(text)), max(occurred_at) "\n'
    "                   f\"FROM read_parquet('{lake}')\").fetchone()\n"
    "read_s = time.perf_counter() - started\n"
    "con.execute(f\"COPY (SELECT * FROM read_parquet('{lake}') ORDER BY customer_id, \"\n"
    "            f\"occurred_at) TO '{target}' (FORMAT parquet)\")\n"
    "print(json.dumps({'read_s': round(read_s, 2),\n"
    "                  'read_and_sort_s': round(time.perf_counter() - started - read_s, 2)}))\n"
)
"""The floor under any per-customer evaluation, in plain DuckDB under the same buffer limit:
read every event once (`read_s`), and read, bring each customer's events together in time
order and write them (`read_and_sort_s`), with no rule evaluated at all."""


def floor_run(lake: Path, output: Path, events: int) -> dict[str, Any]:
    """The floor above at one size, and the events per second it leaves as a ceiling."""
    spill = output.parent / "spill-floor"
    result = peak_rss(
        [sys.executable, "-c", FLOOR, str(lake), str(output), MEMORY_LIMIT, str(spill)]
    )
    output.unlink(missing_ok=True)
    return result | {
        "events": events,
        "read_events_per_s": round(events / result["read_s"]),
        "read_and_sort_events_per_s": round(events / result["read_and_sort_s"]),
    }


class EngineFailed(RuntimeError):
    """A run that exited non-zero: how long it ran, its peak RSS and its last error line,
    so the results can say what happened at that size instead of losing the whole run."""

    def __init__(self, seconds: float, peak_rss_mb: float, code: int, error: str) -> None:
        super().__init__(f"exited with {code} after {seconds:.0f} s: {error}")
        self.record: dict[str, Any] = {"seconds": seconds, "peak_rss_mb": peak_rss_mb}
        self.record |= {"exit_code": code, "error": error}


def peak_rss(command: list[str]) -> dict[str, Any]:
    """Like `timed`: the process's peak RSS sampled from /proc (with its descendants: Spark's
    JVM), and as `os.wait4` reports it (`ru_maxrss`, which keeps the high-water mark of the
    forked benchmark process it started as: the benchmark stays small, as the lakes are made
    in a process of their own, so the two agree)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
        memory = TreeMemory(process.pid)
        memory.start()
        assert process.stdout is not None
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        memory.done.set()
        memory.join()
        seconds = round(time.perf_counter() - started, 2)
        peak_mb = round(max(memory.peak_kb, usage.ru_maxrss) / 1024, 1)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            said = [line for line in errors.read().decode(errors="replace").splitlines() if line]
            raise EngineFailed(seconds, peak_mb, code, said[-1][:500] if said else "")
    result: dict[str, Any] = {"seconds": seconds, "peak_rss_mb": peak_mb}
    result |= {"peak_tree_rss_mb": round(memory.peak_kb / 1024, 1)}
    result |= {"ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1)}
    lines = out.decode().strip().splitlines()
    if lines and lines[-1].startswith("{"):
        result |= json.loads(lines[-1])
    return result


def rated(command: list[str], events: int) -> dict[str, Any]:
    """`peak_rss` of a run over `events` events, with its events per second."""
    result = peak_rss(command)
    return result | {"events": events, "events_per_s": round(events / result["seconds"])}


def engine_run(lake: Path, output: Path, events: int, seam: str = "sql") -> dict[str, Any]:
    """DuckDB's nightly path in its own process under the benchmark's buffer limit; `seam`
    picks the text classifier (sql or python)."""
    spill = output.parent / "spill"
    command = [sys.executable, "-c", BULK, "duckdb", str(lake), AS_OF, str(output), seam]
    return rated([*command, MEMORY_LIMIT, str(spill)], events)


def spark_run(lake: Path, output: Path, events: int) -> dict[str, Any]:
    """Spark local as the operator runs it: `selfcare evaluate --engine spark --format none
    --output` (on Spark the facts come from the assembled results, docs/bulk.md)."""
    command = [sys.executable, "-m", "selfcare", "evaluate", "--engine", "spark"]
    command += ["--events", str(lake), "--as-of", AS_OF, "--format", "none"]
    return rated([*command, "--output", str(output)], events)


def reference_run(lake: Path, folder: Path, events: int) -> dict[str, Any]:
    """The reference evaluator reads one file: the lake's rows as one Parquet file."""
    single = folder / "sample.parquet"
    pq.write_table(pq.read_table(lake), single)
    command = [sys.executable, "-c", REFERENCE, str(single), AS_OF, str(folder / "ref.parquet")]
    return rated(command, events)


def exponent(points: list[tuple[int, float]]) -> float | None:
    """The slope of log(seconds) over log(events): 1.0 is linear."""
    if len(points) < 2:
        return None
    xs = np.log([p[0] for p in points])
    ys = np.log([p[1] for p in points])
    return round(float(np.polyfit(xs, ys, 1)[0]), 3)


def measure(
    sizes: list[int],
    reference_events: int,
    spark_events: int | None,
    folder: Path,
    lakes: Path | None = None,
) -> dict[str, Any]:
    """The reference on its sample first, then DuckDB at each size (smallest first, the
    Python text seam beside it), Spark last: each result is printed as it comes, so a run
    stopped at a size still leaves the smaller ones. The lakes go to `lakes` and stay there
    for the next run when it is given; otherwise each is removed after its size."""
    keep = lakes is not None
    lakes = lakes or folder
    sample = generate_apart(reference_events, lakes / f"lake-{reference_events}")
    reference = reference_run(sample, folder, reference_events)
    print(json.dumps({"reference": reference}), flush=True)
    duckdb_runs: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    python_seam: dict[str, Any] = {}
    for size in sizes:
        lake = generate_apart(size, lakes / f"lake-{size}")
        try:
            run = engine_run(lake, folder / f"duckdb-{size}.parquet", size)
        except EngineFailed as failure:  # recorded; a larger size would fail the same way
            failed.append({"events": size} | failure.record)
            print(json.dumps({"failed": failed[-1]}), flush=True)
            break
        if size <= PART_EVENTS:  # beyond it the engine sorts one part at a time
            run["floor"] = floor_run(lake, folder / f"floor-{size}.parquet", size)
        duckdb_runs.append(run)
        print(json.dumps(run), flush=True)
        if not python_seam:
            python_seam = engine_run(
                lake, folder / f"duckdb-python-{size}.parquet", size, seam="python"
            )
            print(json.dumps({"duckdb_python_seam": python_seam}), flush=True)
        if not keep:
            shutil.rmtree(lake)  # the larger sizes need the disk for DuckDB's spill
    spark = None
    if spark_events:
        lake = generate_apart(spark_events, lakes / f"lake-{spark_events}")
        try:
            spark = spark_run(lake, folder / f"spark-{spark_events}.parquet", spark_events)
        except EngineFailed as failure:  # for the record: the DuckDB results stand
            spark = {"events": spark_events, "failed": failure.record}
        print(json.dumps({"spark": spark}), flush=True)
    return results_of(
        sizes,
        reference=reference,
        duckdb_runs=duckdb_runs,
        failed=failed,
        python_seam=python_seam,
        spark=spark,
    )


def results_of(
    sizes: list[int],
    *,
    reference: dict[str, Any],
    duckdb_runs: list[dict[str, Any]],
    failed: list[dict[str, Any]],
    python_seam: dict[str, Any],
    spark: dict[str, Any] | None,
) -> dict[str, Any]:
    """The benchmark's results from its runs (also from the lines a run printed, when the
    run itself was stopped before it wrote them)."""
    largest = duckdb_runs[-1]
    return {
        "sizes": sizes,
        "duckdb": duckdb_runs,
        "duckdb_failed": failed,
        "duckdb_python_seam": python_seam,
        "distinct_texts_in_pool": len(set(TEXT_POOL.tolist())),
        "text_seams_at_smallest": {
            seam: {k: run[k] for k in ("seconds", "in_process_s", "texts")}
            for seam, run in (("sql", duckdb_runs[0]), ("python", python_seam))
        },
        "reference_sample": reference,
        "spark_local": spark,
        "scaling_exponent": exponent([(r["events"], r["seconds"]) for r in duckdb_runs]),
        "duckdb_vs_reference": round(largest["events_per_s"] / reference["events_per_s"], 1),
        "floor_at_largest_part": _floor(duckdb_runs, reference),
    }


def _floor(duckdb_runs: list[dict[str, Any]], reference: dict[str, Any]) -> dict[str, Any] | None:
    """The largest size with a floor: what reading and sorting alone allow, next to the
    engine and the reference."""
    floored = [r for r in duckdb_runs if "floor" in r]
    if not floored:
        return None
    run = floored[-1]
    ceiling = run["floor"]["read_and_sort_events_per_s"]
    return {
        "events": run["events"],
        "read_and_sort_events_per_s": ceiling,
        "read_events_per_s": run["floor"]["read_events_per_s"],
        "engine_share_of_floor": round(run["events_per_s"] / ceiling, 3),
        "floor_times_reference": round(ceiling / reference["events_per_s"], 1),
    }
