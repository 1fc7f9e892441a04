"""Drive a browser speed test against the server as the page does, on a hand clock.

The server measures what it serves and receives (speedcheck/traffic.py), so a test that
wants a measurement of 40 Mbit/s must produce traffic the server times at 40 Mbit/s: a
transfer inside the warm-up (not counted), then the clock moved on by the warm-up plus
the time the counted bytes take at that speed, then the counted transfer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

MiB = 1 << 20
DOWN_MIB = 2
UP_BYTES = 2 * MiB


class HandClock(Protocol):
    now: datetime


def lasting(nbytes: int, kbps: int) -> timedelta:
    """How long `nbytes` take at `kbps` (kbit/s = bits per millisecond)."""
    return timedelta(microseconds=round(nbytes * 8 * 1000 / kbps))


def run_traffic(
    http: httpx.Client,
    clock: HandClock,
    *,
    down_kbps: int,
    up_kbps: int,
    params: dict[str, str] | None = None,
) -> str:
    """Start a test and move its bytes so the server measures these speeds; its id.
    The clock ends a few seconds later than it began (the test's own duration)."""
    query = dict(params or {})
    started = http.post("/speedtest/tests", params={**query, "duration": "2"})
    assert started.status_code == 200, started.text
    doc = started.json()
    test = {**query, "test": doc["test_id"]}
    begin = clock.now
    assert http.get("/speedtest/garbage", params={**test, "ckSize": "1"}).status_code == 200
    clock.now = begin + timedelta(milliseconds=doc["warmup_down_ms"])
    clock.now += lasting(DOWN_MIB * MiB, down_kbps)
    assert (
        http.get("/speedtest/garbage", params={**test, "ckSize": str(DOWN_MIB)}).status_code == 200
    )
    up_begin = clock.now
    assert http.post("/speedtest/empty", params=test, content=b"w" * 1000).status_code == 200
    clock.now = up_begin + timedelta(milliseconds=doc["warmup_up_ms"]) + lasting(UP_BYTES, up_kbps)
    assert http.post("/speedtest/empty", params=test, content=b"\0" * UP_BYTES).status_code == 200
    test_id: str = doc["test_id"]
    return test_id


def measured(
    http: httpx.Client,
    clock: HandClock,
    *,
    down_kbps: int,
    up_kbps: int = 38_000,
    connection: str = "lan",
    params: dict[str, str] | None = None,
    claimed: dict[str, Any] | None = None,
) -> httpx.Response:
    """Run a test at these speeds and post its result (the browser's figures as `claimed`,
    by default the same as the server's); the answer to the result."""
    test_id = run_traffic(http, clock, down_kbps=down_kbps, up_kbps=up_kbps, params=params)
    body = {
        "test_id": test_id,
        "download_kbps": down_kbps,
        "upload_kbps": up_kbps,
        "ping_ms": 9,
        "connection": connection,
        **(claimed or {}),
    }
    return http.post("/speedtest/results", params=params or {}, json=body)
