"""`/metrics` and the request log over HTTP, on both databases: who may scrape, what the
scrape says after real ingest, and that no customer id or secret reaches either."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from selfcare.auth.scopes import Scope
from selfcare.bootstrap import App
from selfcare.telemetry.logs import configure_logging
from selfcare.web.app import create_app
from tests.integration.api_fixtures import Api, api, live_server, problem

pytestmark = pytest.mark.integration
__all__ = ["api"]

CUSTOMER = "cust-4711"


def registered(customer: str = CUSTOMER) -> list[dict[str, Any]]:
    """Two events that make a 600 MB portal bonus due at once (one top-up queued)."""
    return [
        {
            "event_id": f"{customer}-inv",
            "customer_id": customer,
            "type": "invitation_accepted",
            "occurred_at": "2026-03-01T09:00:00Z",
        },
        {
            "event_id": f"{customer}-reg",
            "customer_id": customer,
            "type": "portal_registered",
            "occurred_at": "2026-03-01T10:00:00Z",
        },
    ]


def scrape(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = http.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_metrics_need_an_operator_key_with_metrics_read(api: Api) -> None:
    with api.client() as http:
        problem(http.get("/metrics"), 401)
    with api.client(api.key(Scope.EVENTS_WRITE, Scope.GRANTS_READ)) as http:
        problem(http.get("/metrics"), 403)
    with api.client(api.customer_token(CUSTOMER)) as http:
        problem(http.get("/metrics"), 403)
    with api.client(api.key(Scope.METRICS_READ)) as http:
        assert http.get("/metrics").status_code == 200


def test_a_scrape_after_ingest_shows_rows_latency_outbox_and_no_customer_id(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE, Scope.GRANTS_READ)) as http:
        assert http.post("/api/v1/events:batch", json=registered()).status_code == 200
        assert http.post("/api/v1/events:batch", json=registered()).status_code == 200
        assert http.get(f"/api/v1/customers/{CUSTOMER}/progress").status_code == 200
    api.app.clock.advance(seconds=90)  # type: ignore[attr-defined]
    with api.client(api.key(Scope.METRICS_READ)) as http:
        scraped = scrape(http)
        text = http.get("/metrics").text
    assert scraped["selfcare_ingest_rows_total", (("outcome", "stored"),)] == 2
    assert scraped["selfcare_ingest_rows_total", (("outcome", "duplicate"),)] == 2
    assert scraped["selfcare_projection_seconds_count", ()] == 1
    progress = (
        ("method", "GET"),
        ("route", "/api/v1/customers/{customer_id}/progress"),
        ("status", "2xx"),
    )
    assert scraped["selfcare_http_request_duration_seconds_count", progress] == 1
    assert scraped["selfcare_outbox_open_topups", ()] == 1
    assert scraped["selfcare_outbox_oldest_open_age_seconds", ()] == 90
    assert scraped["selfcare_database_up", ()] == 1
    assert CUSTOMER not in text


def test_metrics_can_be_turned_off_on_the_api(app: App) -> None:
    quiet = App(**{**vars(app), "settings": app.settings.with_(metrics_api=False)})
    with live_server(create_app(quiet)) as url, httpx.Client(base_url=url) as http:
        assert http.get("/metrics").status_code == 404


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the service writes it off a terminal."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(stream)
    client_side = logging.getLogger("httpx")
    client_level = client_side.level
    client_side.setLevel(logging.WARNING)  # the test's own client logs its URLs
    yield stream
    client_side.setLevel(client_level)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def request_lines(stream: io.StringIO, expected: int) -> list[dict[str, Any]]:
    """The request lines logged so far, once `expected` are there: the server logs a
    request after its answer went out, so the client can be a moment ahead."""
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        requests = [line for line in lines if line["event"] == "request"]
        if len(requests) >= expected or time.monotonic() > deadline:
            return requests
        time.sleep(0.01)


def test_each_request_is_one_json_log_line_without_ids_or_secrets(
    api: Api, log_lines: io.StringIO
) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        assert http.post("/api/v1/events:batch", json=registered()).status_code == 200
    token = api.customer_token(CUSTOMER)
    with api.client(token) as http:
        answer = http.get(
            f"/api/v1/customers/{CUSTOMER}/progress",
            params={"token": token, "lang": "en"},
            headers={"X-Request-ID": "req-42"},
        )
        http.get(f"/speedtest/login?token={token}")
    assert answer.headers["X-Request-ID"] == "req-42"
    requests = request_lines(log_lines, 3)
    output = log_lines.getvalue()
    assert token not in output
    assert token.partition("_")[2] not in output
    assert CUSTOMER not in output
    first = requests[-2]
    assert first["route"] == "/api/v1/customers/{customer_id}/progress"
    assert (first["method"], first["status"], first["request_id"]) == ("GET", 200, "req-42")
    assert first["duration_ms"] >= 0
    assert len(requests) == 3
    assert len(requests[-1]["request_id"]) == 32  # a fresh id when none was sent


def test_a_route_included_under_a_prefix_is_labelled_with_its_whole_template(
    api: Api, log_lines: io.StringIO
) -> None:
    with api.client() as http:
        http.get("/speedtest/login", params={"token": "sct_not-a-real-token"})
    [request] = request_lines(log_lines, 1)
    assert (request["route"], request["status"]) == ("/speedtest/login", 303)
