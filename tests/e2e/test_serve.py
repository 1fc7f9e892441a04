"""The README's curl session as a test: `selfcare serve` (real subprocess, SQLite in a
temporary folder) next to `selfcare fake-charging`; events for one customer over HTTP; the
top-up arrives at the charging system exactly once, also when answers get lost."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.commands import selfcare_json
from tests.integration.fake_charging_process import running_fake_charging

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

_RUNNING = re.compile(r"Uvicorn running on (?P<url>http://\S+)")


@dataclass(frozen=True)
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def serving(env: dict[str, str], cwd: Path, *args: str) -> Iterator[Served]:
    """`selfcare serve --port 0 ARGS…` until the block ends; stopped with SIGTERM."""
    log = cwd / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "selfcare", "serve", "--port", "0", *args],
            env=env,
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Served(_wait_running(process, log), process, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_running(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if match := _RUNNING.search(log.read_text(errors="replace")):
            return match.group("url")
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"selfcare serve did not start: {log.read_text(errors='replace')}")


def wait_for(condition: Any, within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise TimeoutError("condition not met in time")


@pytest.mark.parametrize(
    "faults",
    [(), ("--fault", "lost=0.5,500=0.2", "--seed", "7")],
    ids=["healthy charging", "lost answers and 500s"],
)
def test_a_served_customer_gets_the_portal_top_up_exactly_once(
    tmp_path: Path, faults: tuple[str, ...]
) -> None:
    env = os.environ | {"SELFCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'selfcare.db'}"}
    now = datetime.now(UTC).replace(microsecond=0)
    events = [
        {
            "event_id": "crm-1",
            "customer_id": "4711",
            "type": "invitation_accepted",
            "occurred_at": (now - timedelta(minutes=2)).isoformat(),
        },
        {
            "event_id": "crm-2",
            "customer_id": "4711",
            "type": "portal_registered",
            "occurred_at": (now - timedelta(minutes=1)).isoformat(),
        },
    ]
    with running_fake_charging(*faults) as charging:
        key = selfcare_json(
            *("apikey", "create", "--name", "crm", "--scopes", "events:write,grants:read"),
            env=env,
            cwd=tmp_path,
        )["key"]
        with serving(env, tmp_path, "--charging-url", charging.url) as served:
            http = httpx.Client(
                base_url=served.url, headers={"Authorization": f"Bearer {key}"}, timeout=30
            )
            with http:
                assert http.post("/api/v1/events", json=events[0]).status_code == 201
                created = http.post("/api/v1/events", json=events[1])
                assert created.json()["grants"] == 1
                assert http.post("/api/v1/events:batch", json=events).json()["duplicates"] == 2
                grants = wait_for(lambda: _confirmed(http))
                progress = http.get("/api/v1/customers/4711/progress").json()
        charging.wait_idle()
        applied = [t for t in charging.get("/topupBalance") if t["partyAccount"]["id"] == "4711"]
        injected = sum(charging.faults()["injected"].values())
    assert injected >= (1 if faults else 0)  # the faulty run really met faults
    assert served.process.returncode == 0, served.log.read_text()
    assert [(t["amount"], t["idempotencyKey"]) for t in applied] == [
        ({"amount": 600, "units": "MB"}, grants[0]["id"])
    ]
    assert progress["earned_mb"] == 600
    assert progress["next_milestone"]["kind"] == "streak_completes"


def _confirmed(http: httpx.Client) -> list[dict[str, Any]] | None:
    grants: list[dict[str, Any]] = http.get("/api/v1/customers/4711/grants").json()["grants"]
    return grants if grants and all(g["status"] == "confirmed" for g in grants) else None


def test_serve_logs_json_lines_without_secrets_and_serves_metrics_on_an_internal_port(
    tmp_path: Path,
) -> None:
    env = os.environ | {
        "SELFCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'selfcare.db'}",
        "SELFCARE_METRICS_PORT": "0",
    }
    token = selfcare_json("token", "create", "--customer", "4711", env=env, cwd=tmp_path)
    secret = token["token"]
    with serving(env, tmp_path, "--no-relay") as served:
        metrics_url = wait_for(lambda: _METRICS.search(served.log.read_text()))
        with httpx.Client(base_url=served.url, timeout=30) as http:
            assert http.get("/health").status_code == 200
            http.get(f"/api/v1/customers/4711/progress?token={secret}")
            assert http.get("/metrics").status_code == 401  # the API's needs metrics:read
        scraped = httpx.get(metrics_url.group("url"), timeout=30).text
    log = served.log.read_text()
    assert secret not in log
    assert secret.partition("_")[2] not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["event"] == "request"]
    assert [(r["method"], r["route"], r["status"]) for r in requests[:2]] == [
        ("GET", "/health", 200),
        ("GET", "/api/v1/customers/{customer_id}/progress", 401),
    ]
    assert 'route="/health",status="2xx"' in scraped
    assert "4711" not in scraped


_METRICS = re.compile(r"metrics on (?P<url>http://\S+/metrics)")
