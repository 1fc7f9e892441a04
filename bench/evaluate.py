"""`selfcare evaluate` streaming next to the whole-history evaluation, on the same file.

Both run as separate processes on one shuffled JSON Lines file (time order, as exports come),
one after the other in the same run: wall and CPU time, events/s and peak RSS of each process
(from `os.wait4`), and whether the two documents are byte-identical. The whole-history way is the
evaluator as it was before streaming: read every event, evaluate, `json.dumps` one document.
With `--before REV` the same streaming command also runs in that revision's tree (exported
with `git archive`), on the same file in the same run: its speed, and whether its document is
byte-identical to this tree's.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

from bench.compare import export
from bench.ingest_data import iter_events

AS_OF = "2026-06-01"
WHOLE = (
    "import json, sys\n"
    "from selfcare.domain.evaluator import evaluate\n"
    "from selfcare.domain.progress import progress_to_json\n"
    "from selfcare.ingest.event_files import read_events\n"
    "from selfcare.program.load import bundled_example\n"
    "from datetime import date\n"
    "read = read_events(sys.argv[1])\n"
    "day = date.fromisoformat(sys.argv[2])\n"
    "doc = progress_to_json(evaluate(bundled_example(), read.events, day))\n"
    "sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + '\\n')\n"
)


SHUFFLED_BLOCK = 1_000_000
"""Rows shuffled together: up to a million the whole file (as before), beyond it block by
block, so a customer's events spread over a million rows, ten of the sort's runs."""


def write_events(count: int, path: Path, *, seed: int = 7) -> None:
    """`count` realistic events, shuffled so customers are spread over the file."""
    shuffle = random.Random(seed).shuffle
    rows = iter_events(count)
    with path.open("w", encoding="utf-8") as out:
        while block := list(islice(rows, SHUFFLED_BLOCK)):
            shuffle(block)
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in block)


def timed(command: list[str], output: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall seconds and peak RSS (MB) of one process, its stdout kept in `output`."""
    started = time.perf_counter()
    with output.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} exited with {process.returncode}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def measure(counts: list[int], folder: Path, before: str | None = None) -> list[dict[str, Any]]:
    """Streaming at every size; the `before` revision's tree and the whole-history way at
    the first size only (the old revision is the slow one, and the whole history's memory
    grows with the input: about 6 KB per event), so the larger sizes show streaming's memory
    staying flat."""
    results = []
    tree = folder / "before"
    commit = None
    if before:
        tree.mkdir()
        commit = export(before, tree)
    for index, count in enumerate(counts):
        source = folder / f"events-{count}.jsonl"
        write_events(count, source)
        row: dict[str, Any] = {"events": count}
        compare = commit is not None and index == 0
        if compare:
            before_out = folder / "before.json"
            env = os.environ | {"PYTHONPATH": str(tree / "src")}
            earlier = timed(_stream_command(source), before_out, env)
            row["before"] = {"revision": commit} | _rate(earlier, count)
        stream_out = folder / "stream.json"
        stream = timed(_stream_command(source), stream_out)
        row["stream"] = _rate(stream, count)
        if compare:
            row["identical_to_before"] = digest(stream_out) == digest(before_out)
            row["speed_ratio_stream_to_before"] = round(
                row["before"]["seconds"] / stream["seconds"], 2
            )
            row["cpu_ratio_before_to_stream"] = round(
                row["before"]["cpu_seconds"] / stream["cpu_seconds"], 2
            )
        if index == 0:
            whole_out = folder / "whole.json"
            whole = timed([sys.executable, "-c", WHOLE, str(source), AS_OF], whole_out)
            row["whole"] = _rate(whole, count)
            row["identical_output"] = digest(stream_out) == digest(whole_out)
            row["memory_ratio_whole_to_stream"] = round(
                whole["peak_rss_mb"] / stream["peak_rss_mb"], 2
            )
            row["speed_ratio_stream_to_whole"] = round(whole["seconds"] / stream["seconds"], 2)
        results.append(row)
        source.unlink()
    return results


def _stream_command(source: Path) -> list[str]:
    return [sys.executable, "-m", "selfcare", "evaluate", "--events", str(source),
            "--as-of", AS_OF, "--format", "json"]  # fmt: skip


def _rate(timing: dict[str, Any], count: int) -> dict[str, Any]:
    """Events per wall second, and per CPU second (what the process itself used: on a
    shared machine the steadier of the two)."""
    return timing | {
        "events_per_s": round(count / timing["seconds"]),
        "events_per_cpu_s": round(count / timing["cpu_seconds"]),
    }
