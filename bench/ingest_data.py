"""Synthetic event histories for the ingest benchmarks: realistic shape, fixed seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2025, 6, 1, tzinfo=UTC)
KINDS = ("portal_registered", "app_first_login", "bill_video_completed")
TEXTS = (
    "Frage zur Rechnung",
    "Vertragsverlängerung bitte",
    "kein Netz seit gestern",
    "Ich möchte kündigen",
    "Tarifwechsel",
)


def events(count: int, *, per_customer: int = 5, seed: int = 4711) -> list[dict[str, Any]]:
    """`count` events as JSON-ready rows: each customer enrolls, does tasks, calls."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    customer = 0
    while len(rows) < count:
        cid = f"cust-{customer:07d}"
        enrolled = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        rows.append(_row(f"{cid}-0", cid, "invitation_accepted", enrolled))
        for n in range(1, per_customer):
            moment = enrolled + timedelta(minutes=rng.randrange(1, 60 * 24 * 150))
            if n <= len(KINDS) and rng.random() < 0.7:
                rows.append(_row(f"{cid}-{n}", cid, KINDS[n - 1], moment))
            else:
                rows.append(_row(f"{cid}-{n}", cid, "hotline_call", moment, text=rng.choice(TEXTS)))
        customer += 1
    return rows[:count]


def _row(event_id: str, customer: str, kind: str, moment: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "customer_id": customer,
        "type": kind,
        "occurred_at": moment.isoformat().replace("+00:00", "Z"),
        **extra,
    }
