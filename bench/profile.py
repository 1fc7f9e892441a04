"""Where the time goes, for the throughput targets that are missed: batch ingest and
`selfcare evaluate`, each under cProfile on a small input, as shares of the whole.

cProfile counts every call, so it inflates code made of many small calls; read the shares
as "roughly", and the ranking as the finding. The stages are named by the functions that
carry them (cumulative time, so a stage includes what it calls; they can overlap, e.g.
classification is part of projection).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

from bench.evaluate import AS_OF, write_events
from bench.ingest import pg_schema, service_rate, time_ordered
from bench.ingest_data import events
from selfcare.domain.program import Program

INGEST_STAGES = {
    "whole ingest": ("service.py", "ingest_rows"),
    "validating rows (check_row)": ("records.py", "check_row"),
    "storing events (insert_new)": ("repository.py", "insert_new"),
    "projection (fold_events)": ("projection.py", "fold_events"),
    "of it: the domain's fold (advance)": ("incremental.py", "advance"),
    "of it: reading checkpoints (parse_state)": ("projection.py", "parse_state"),
    "of it: locking and creating states (lock)": ("repository.py", "lock"),
    "of it: call classification (_classify)": ("calls.py", "_classify"),
    "of it: trained model (_by_model)": ("calls.py", "_by_model"),
    "of it: lexicon (read)": ("reading.py", "read"),
    "of it: streak walk (evaluate_streak)": ("streak.py", "evaluate_streak"),
    "writing states, snapshots, grants (_refresh)": ("projection.py", "_refresh"),
    "of it: saving states and snapshots (save)": ("repository.py", "save"),
    "of it: recording due grants (record_grants)": ("ledger.py", "record_grants"),
}
EVALUATE_STAGES = {
    "whole evaluate": ("profile.py", "evaluate_to_json"),
    "reading and validating rows (valid_events)": ("service.py", "valid_events"),
    # a generator's cumulative time includes the reading it pulls through
    "reading and grouping by customer (_grouped)": ("grouping.py", "_grouped"),
    "projection (project)": ("evaluator.py", "project"),
    "of it: call classification (_classify)": ("calls.py", "_classify"),
    "of it: trained model (_by_model)": ("calls.py", "_by_model"),
    "rendering each customer's JSON (document_part)": ("output.py", "document_part"),
}


def _shares(profile: cProfile.Profile, stages: dict[str, tuple[str, str]]) -> dict[str, Any]:
    stats = pstats.Stats(profile)
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        key = (Path(filename).name, name)
        cumulative[key] = cumulative.get(key, 0.0) + row[3]
    total = stats.total_tt  # type: ignore[attr-defined]
    return {
        "profiled_seconds": round(total, 2),
        "share_of_time": {
            label: round(cumulative.get(key, 0.0) / total, 3) for label, key in stages.items()
        },
    }


def _cold() -> None:
    """Forget classified texts, so one profile does not ride on the other's cache."""
    from selfcare.domain import calls
    from selfcare.domain.callmodel import features

    calls._classify.cache_clear()
    features.word_features.cache_clear()


def profile_ingest(count: int, pg: str | None) -> dict[str, Any]:
    _cold()
    rows = time_ordered(events(count))
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as folder:
        if pg:
            with pg_schema(pg) as url:
                profile.enable()
                service_rate(url, rows)
                profile.disable()
        else:
            profile.enable()
            service_rate(f"sqlite:///{folder}/p.db", rows)
            profile.disable()
    backend = "postgresql" if pg else "sqlite"
    return {"events": count, "backend": backend, "order": "time"} | _shares(profile, INGEST_STAGES)


def evaluate_to_json(program: Program, source: Path, day: date) -> None:
    """What `selfcare evaluate --format json` does in one process."""
    from selfcare.cli.evaluate import _run
    from selfcare.evaluation.output import document_part, write_document_parts

    parts, _ = _run(program, source, day, shown=False, workers=1, render=document_part)
    write_document_parts(day, parts, sys.stdout)


def profile_evaluate(count: int) -> dict[str, Any]:
    from selfcare.program.load import bundled_example

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "events.jsonl"
        write_events(count, source)
        _cold()
        profile = cProfile.Profile()
        with (Path(folder) / "out.json").open("w", encoding="utf-8") as out, redirect_stdout(out):
            profile.enable()
            day = date.fromisoformat(AS_OF)
            evaluate_to_json(bundled_example(), source, day)
            profile.disable()
    return {"events": count} | _shares(profile, EVALUATE_STAGES)
