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
import threading
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


class TreeMemory(threading.Thread):
    """The peak of the summed RSS of a process and its descendants (`--workers` starts a
    fork server and the workers), and their CPU time, sampled from /proc every `every`
    seconds: `os.wait4` gives only the largest single process's RSS, and not the CPU of
    workers that the fork server, not the process, waits for."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.cpu_ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            tree = _tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in tree))
            for pid, ticks in tree.items():
                self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), ticks)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> dict[int, int]:
    """The process `root` and its descendants, each with its CPU ticks so far (utime and
    stime, fields 14 and 15 of /proc/PID/stat), from one reading of /proc."""
    parents: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        found[pid] = ticks.get(pid, 0)
        todo.extend(parents.get(pid, []))
    return found


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


def write_events_apart(count: int, path: Path) -> None:
    """`write_events` in a process of its own. Made here, the rows would stay in this
    process's heap, and each measured process, forked from it before it execs, would start
    with this process's RSS as its own peak (`ru_maxrss`): 826 MB at 4 M events in the
    2026-11-26 run, where the process itself never exceeded 315 MB."""
    code = "import sys; from pathlib import Path; from bench.evaluate import write_events; "
    code += "write_events(int(sys.argv[1]), Path(sys.argv[2]))"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[1])}
    subprocess.run([sys.executable, "-c", code, str(count), str(path)], check=True, env=env)


def timed(command: list[str], output: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall seconds, CPU seconds (its workers' included: they are waited for) and peak RSS
    (MB) of one process, its stdout kept in `output`; with its descendants, the peak of
    their summed RSS as sampled."""
    started = time.perf_counter()
    with output.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        memory = TreeMemory(process.pid)
        memory.start()
        _, status, usage = os.wait4(process.pid, 0)
        memory.done.set()
        memory.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} exited with {process.returncode}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(max(usage.ru_utime + usage.ru_stime, memory.cpu_seconds), 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(memory.peak_kb / 1024, 1),
    }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def measure(
    counts: list[int],
    folder: Path,
    before: str | None = None,
    workers: int = 2,
    one_process_up_to: int | None = None,
) -> list[dict[str, Any]]:
    """Streaming at every size; the `before` revision's tree (in one process and with
    `workers`) and the whole-history way at the first size only (the old revision is the
    slow one, and the whole history's memory grows with the input: about 6 KB per event), so
    the larger sizes show streaming's memory staying flat. Sizes above `one_process_up_to`
    are timed with `workers` only (20 M events take about half an hour in one process)."""
    results = []
    tree = folder / "before"
    commit = None
    if before:
        tree.mkdir()
        commit = export(before, tree)
    for index, count in enumerate(counts):
        source = folder / f"events-{count}.jsonl"
        write_events_apart(count, source)
        row: dict[str, Any] = {"events": count}
        compare = commit is not None and index == 0
        if compare:
            before_out = folder / "before.json"
            env = os.environ | {"PYTHONPATH": str(tree / "src")}
            earlier = timed(_stream_command(source), before_out, env)
            row["before"] = {"revision": commit} | _rate(earlier, count)
        if one_process_up_to is not None and count > one_process_up_to and workers > 1:
            parallel = timed(_stream_command(source, workers), folder / "workers.json")
            row["stream_workers"] = {"workers": workers} | _rate(parallel, count)
            results.append(row)
            source.unlink()
            continue
        stream_out = folder / "stream.json"
        stream = timed(_stream_command(source), stream_out)
        row["stream"] = _rate(stream, count)
        if workers > 1:
            earlier_tree = tree if compare else None
            row |= _with_workers(
                source,
                count,
                workers,
                folder,
                stream=stream,
                before_tree=earlier_tree,
                commit=commit,
            )
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


def _with_workers(
    source: Path,
    count: int,
    workers: int,
    folder: Path,
    *,
    stream: dict[str, Any],
    before_tree: Path | None,
    commit: str | None,
) -> dict[str, Any]:
    """The run with `workers` next to the one-process run (`stream`, its output in
    stream.json), and the earlier tree's run with as many workers where it is given."""
    workers_out = folder / "workers.json"
    parallel = timed(_stream_command(source, workers), workers_out)
    row: dict[str, Any] = {"stream_workers": {"workers": workers} | _rate(parallel, count)}
    row["workers_identical_output"] = digest(workers_out) == digest(folder / "stream.json")
    row["speed_ratio_workers_to_stream"] = round(stream["seconds"] / parallel["seconds"], 2)
    if before_tree is not None:
        env = os.environ | {"PYTHONPATH": str(before_tree / "src")}
        earlier = timed(_stream_command(source, workers), folder / "before_workers.json", env)
        row["before_workers"] = {"revision": commit, "workers": workers} | _rate(earlier, count)
        row["before_workers_identical_output"] = digest(folder / "before_workers.json") == digest(
            workers_out
        )
        row["speed_ratio_workers_to_before_workers"] = round(
            earlier["seconds"] / parallel["seconds"], 2
        )
    workers_out.unlink()
    return row


def _stream_command(source: Path, workers: int = 1) -> list[str]:
    command = [sys.executable, "-m", "selfcare", "evaluate", "--events", str(source),
               "--as-of", AS_OF, "--format", "json"]  # fmt: skip
    return command + (["--workers", str(workers)] if workers > 1 else [])


def _rate(timing: dict[str, Any], count: int) -> dict[str, Any]:
    """Events per wall second, and per CPU second (what the process itself used: on a
    shared machine the steadier of the two)."""
    return timing | {
        "events_per_s": round(count / timing["seconds"]),
        "events_per_cpu_s": round(count / timing["cpu_seconds"]),
    }
