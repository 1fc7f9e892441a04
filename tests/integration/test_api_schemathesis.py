"""Schemathesis against the published OpenAPI document of a live server: no 5xx, every
answer has a documented status, content type, headers and schema (SQLite and PostgreSQL).

`positive_data_acceptance` is left out on purpose: the schema cannot say "not later than
five minutes from now" or "recorded_at not before occurred_at", so schema-valid events can
rightly be refused with 422 (and a re-used id with other content with 409).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from selfcare.auth.scopes import Scope
from selfcare.bootstrap import App
from selfcare.web.app import create_app
from tests.integration.api_fixtures import Api, live_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SEED_EVENTS = [
    {
        "event_id": "a1",
        "customer_id": "c1",
        "type": "invitation_accepted",
        "occurred_at": "2025-05-31T08:00:00Z",
    },
    {
        "event_id": "p1",
        "customer_id": "c1",
        "type": "portal_registered",
        "occurred_at": "2025-06-02T16:30:00Z",
    },
    {
        "event_id": "h1",
        "customer_id": "c1",
        "type": "hotline_call",
        "occurred_at": "2025-09-15T09:00:00Z",
        "text": "Frage zu meiner Rechnung",
    },
]


def run_schemathesis(api: Api, secret: str, workdir: Path) -> tuple[int, str]:
    """One bounded run (about 30 cases per operation, fixed seed, one worker: with more,
    Hypothesis' lambda introspection can trip over CPython 3.11's thread-unsafe ast)."""
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{api.url}/openapi.json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "30",
            "--seed",
            "20260302",
            "--workers",
            "1",
            "--request-timeout",
            "20",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def api(app: App) -> Iterator[Api]:
    """The API with its real body limits: Schemathesis counts 413 as "accepted", so a
    10,001-event batch must meet the 422 of the batch limit, not a smaller body cap."""
    with live_server(create_app(app)) as url:
        yield Api(url, app)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    api: Api, tmp_path: Path
) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        assert http.post("/api/v1/events:batch", json=SEED_EVENTS).json()["accepted"] == 3
    code, output = run_schemathesis(api, api.key(*Scope), tmp_path)
    assert code == 0, output[-6000:]
    tested = re.search(r"(\d+) generated, (\d+) passed", output)
    assert tested is not None, output[-2000:]
    assert int(tested.group(1)) == int(tested.group(2)) > 300
