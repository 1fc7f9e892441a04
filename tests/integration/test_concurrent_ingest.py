"""Several processes ingest overlapping batches at once: no lost events, no duplicate grants.

Written for PostgreSQL (real row locks, concurrent transactions); it runs on SQLite too,
where the processes take turns at the write lock.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from selfcare.bootstrap import build
from selfcare.config import Settings
from selfcare.customers.projection import get_progress
from selfcare.domain.evaluator import evaluate
from selfcare.grants.charging import FakeChargingClient
from selfcare.grants.ledger import list_grants

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROCESSES = 4
CUSTOMERS = 150


def history() -> list[dict[str, object]]:
    """Enrollment, three tasks and a hotline call for each customer, early in 2026."""
    rows: list[dict[str, object]] = []
    for n in range(CUSTOMERS):
        customer = f"c{n:03d}"
        kinds = [
            "invitation_accepted",
            "portal_registered",
            "app_first_login",
            "bill_video_completed",
            "hotline_call",
        ]
        for day, kind in enumerate(kinds, start=1):
            rows.append(
                {
                    "event_id": f"{customer}-{kind}",
                    "customer_id": customer,
                    "type": kind,
                    "occurred_at": f"2026-01-{day + n % 20:02d}T10:00:00Z",
                }
            )
    return rows


def overlapping_inputs(rows: list[dict[str, object]], folder: Path) -> list[Path]:
    """One file per process: every event in at least one, most in two or more, shuffled."""
    rng = random.Random(71)
    shares: list[list[dict[str, object]]] = [[] for _ in range(PROCESSES)]
    for row in rows:
        for index in rng.sample(range(PROCESSES), rng.randint(1, PROCESSES)):
            shares[index].append(row)
    paths = []
    for index, share in enumerate(shares):
        rng.shuffle(share)
        path = folder / f"part-{index}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in share) + "\n")
        paths.append(path)
    return paths


def test_overlapping_batches_from_several_processes_lose_nothing_and_grant_once(
    database_url: str, tmp_path: Path
) -> None:
    rows = history()
    app = build(Settings(database_url=database_url), charging=FakeChargingClient())
    env = os.environ | {"SELFCARE_DATABASE_URL": database_url, "SELFCARE_MAX_BATCH_EVENTS": "40"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "selfcare", "ingest", str(path), "--format", "json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path in overlapping_inputs(rows, tmp_path)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()[-2000:]
        reports.append(json.loads(out))
    try:
        with app.uow(read_only=True) as work:
            stored = list(work.events.all())
        assert sorted(e.event_id for e in stored) == sorted(str(r["event_id"]) for r in rows)
        assert sum(r["accepted"] for r in reports) == len(rows)
        assert all(not r["conflicts"] and not r["quarantined"] for r in reports)
        today = app.today()
        expected = evaluate(app.program, stored, today)
        grants = list_grants(uow=app.uow)
        keys = Counter((g.customer_id, g.reward, g.period) for g in grants)
        assert keys == Counter(
            (c.customer_id, g.reward, g.period) for c in expected.customers for g in c.grants
        )
        with app.uow(read_only=True) as work:
            assert work.outbox.open_count() == len(grants)
        for customer in expected.customers:
            got = get_progress(
                uow=app.uow, program=app.program, customer_id=customer.customer_id, as_of=today
            )
            assert got == customer
    finally:
        app.close()
