"""A customer's progress, grants and timeline over HTTP, and who may read them.

The progress document must be exactly what `selfcare evaluate --format json` prints for
that customer (plus `as_of` and `next_milestone`); a customer token reads only its own id.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from selfcare.auth.scopes import Scope
from selfcare.cli import app as cli
from selfcare.grants.budget import set_budget
from selfcare.grants.charging import FakeChargingClient, Fault
from tests.integration.api_fixtures import Api, api, problem

pytestmark = pytest.mark.integration
__all__ = ["api"]

TODAY = "2026-03-02"  # the hand clock's day (conftest.Clock)


def ev(event_id: str, kind: str, moment: str, customer: str = "c1", **more: Any) -> dict[str, Any]:
    """An event known when it happened (recorded_at = occurred_at), as sent by the operator.

    Times are given in UTC because the service stores and answers instants in UTC; with
    the same text in, the CLI and the API print the very same document.
    """
    return {
        "event_id": event_id,
        "customer_id": customer,
        "type": kind,
        "occurred_at": moment,
        "recorded_at": moment,
        **more,
    }


HISTORY = [
    ev("a1", "invitation_accepted", "2025-05-31T08:00:00Z"),
    ev("p1", "portal_registered", "2025-06-02T16:30:00Z"),
    ev(
        "h1",
        "hotline_call",
        "2025-08-01T07:00:00Z",
        text="Ich möchte meinen Vertrag verlängern",
    ),
    ev("h2", "hotline_call", "2025-09-15T09:00:00Z", text="Frage zu meiner Rechnung"),
    ev("a2", "invitation_accepted", "2025-07-01T08:00:00Z", customer="c2"),
]


def ingest(api: Api, events: list[dict[str, Any]]) -> None:
    """Load a history as it happened: `recorded_at` as sent needs `events:backfill`."""
    with api.client(api.key(Scope.EVENTS_WRITE, Scope.EVENTS_BACKFILL)) as http:
        answer = http.post("/api/v1/events:batch", json=events)
    assert answer.status_code == 200
    assert answer.json()["accepted"] == len(events)


def evaluate_cli(tmp_path: Path, events: list[dict[str, Any]]) -> dict[str, Any]:
    """What `selfcare evaluate --format json` prints for these events as of today."""
    file = tmp_path / "events.jsonl"
    file.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["evaluate", "--events", str(file), "--as-of", TODAY, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_progress_is_what_selfcare_evaluate_prints_for_that_customer(
    api: Api, tmp_path: Path
) -> None:
    ingest(api, HISTORY)
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        answer = http.get("/api/v1/customers/c1/progress")
    assert answer.status_code == 200
    body = answer.json()
    expected = next(
        c for c in evaluate_cli(tmp_path, HISTORY)["customers"] if c["customer_id"] == "c1"
    )
    assert body.pop("as_of") == TODAY
    body.pop("next_milestone")
    assert body.pop("rejected") == []
    assert body == expected


def test_the_next_milestone_is_the_restarted_streak_completing(api: Api) -> None:
    # The counted call on 15 Sep 2025 broke the window; it restarted on 16 Sep 2025 and
    # nine calendar months later completes on 16 Jun 2026 (1,800 MB). The portal bonus
    # (600 MB) is already granted; app and video tasks have no date, so the streak wins.
    ingest(api, HISTORY)
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        body = http.get("/api/v1/customers/c1/progress").json()
    assert body["earned_mb"] == 600
    assert body["streak"]["window_start"] == "2025-09-16"
    assert body["next_milestone"] == {
        "kind": "streak_completes",
        "reward": "nine_months_without_hotline",
        "amount_mb": 1800,
        "on": "2026-06-16",
        "explanation": "1800 MB when the no-hotline window completes on 2026-06-16 "
        "without a counted call.",
    }


def test_grants_show_the_ledger_and_turn_confirmed_once_the_relay_delivered_them(
    api: Api, charging: FakeChargingClient
) -> None:
    ingest(api, HISTORY)
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        before = http.get("/api/v1/customers/c1/grants").json()
        api.app.relay().run(threading.Event(), drain=True)
        after = http.get("/api/v1/customers/c1/grants").json()
    assert [
        (g["reward"], g["amount_mb"], g["granted_on"], g["status"]) for g in before["grants"]
    ] == [("portal_registration", 600, "2025-06-02", "pending")]
    assert [g["status"] for g in after["grants"]] == ["confirmed"]
    applied = [(t.customer_id, t.amount_mb, t.idempotency_key) for t in charging.list_applied()]
    assert applied == [("c1", 600, after["grants"][0]["id"])]


def test_a_rejected_grant_is_shown_as_rejected_not_as_earned(
    api: Api, charging: FakeChargingClient
) -> None:
    ingest(api, HISTORY)
    charging.script(Fault.REJECT)
    api.app.relay().work_once()
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        body = http.get("/api/v1/customers/c1/progress").json()
    assert body["earned_mb"] == 0
    assert body["grants"] == []
    assert [(g["reward"], g["amount_mb"], g["status"]) for g in body["rejected"]] == [
        ("portal_registration", 600, "rejected")
    ]


def test_the_timeline_shows_every_call_with_its_verdict_and_the_grant(api: Api) -> None:
    ingest(api, HISTORY)
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        entries = http.get("/api/v1/customers/c1/timeline").json()["entries"]
    summary = [(e["kind"], e["day"], e.get("event_id") or e["grant"]["reward"]) for e in entries]
    assert summary == [
        ("event", "2025-05-31", "a1"),
        ("event", "2025-06-02", "p1"),
        ("grant", "2025-06-02", "portal_registration"),
        ("event", "2025-08-01", "h1"),
        ("event", "2025-09-15", "h2"),
    ]
    calls = {e["event_id"]: e["call"] for e in entries if e.get("call")}
    assert (calls["h1"]["category"], calls["h1"]["counts"]) == ("contract_extension", False)
    assert (calls["h2"]["category"], calls["h2"]["counts"]) == ("other", True)
    assert calls["h2"]["explanation"]


def test_an_unknown_customer_is_404_for_an_operator(api: Api) -> None:
    ingest(api, HISTORY)
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        for what in ("progress", "grants", "timeline"):
            assert problem(http.get(f"/api/v1/customers/nobody/{what}"), 404)["code"] == "not_found"


def customer_routes(api: Api) -> list[tuple[str, str]]:
    """Every (method, path template) of the published API that names a customer id."""
    document = httpx.get(api.url + "/openapi.json").json()
    return sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if "{customer_id}" in path
        for method in operations
    )


def call(http: httpx.Client, method: str, template: str, customer_id: str) -> httpx.Response:
    return http.request(method, template.replace("{customer_id}", customer_id))


def test_every_customer_route_refuses_another_customers_id_for_a_customer_token(
    api: Api,
) -> None:
    ingest(api, HISTORY)
    routes = customer_routes(api)
    assert {p for _, p in routes} >= {
        "/api/v1/customers/{customer_id}/progress",
        "/api/v1/customers/{customer_id}/grants",
        "/api/v1/customers/{customer_id}/timeline",
    }
    with api.client(api.customer_token("c1")) as http:
        for method, template in routes:
            existing = call(http, method, template, "c2")
            missing = call(http, method, template, "nobody")
            first, second = problem(existing, 403), problem(missing, 403)
            # The same answer whether or not the other customer exists: nothing leaks.
            assert first | {"instance": ""} == second | {"instance": ""}, template


def test_a_customer_token_reads_its_own_progress_grants_and_timeline(api: Api) -> None:
    ingest(api, HISTORY)
    with api.client(api.customer_token("c1")) as http:
        for what in ("progress", "grants", "timeline"):
            answer = http.get(f"/api/v1/customers/c1/{what}")
            assert answer.status_code == 200, what
            assert answer.json()["customer_id"] == "c1"
        problem(http.post("/api/v1/customers/c1/tokens"), 403)


def test_an_operator_key_without_grants_read_cannot_read_customers(api: Api) -> None:
    ingest(api, HISTORY)
    with api.client(api.key(Scope.EVENTS_WRITE, Scope.PILOT_ADMIN)) as http:
        for what in ("progress", "grants", "timeline"):
            assert problem(http.get(f"/api/v1/customers/c1/{what}"), 403)["code"] == "forbidden"


def test_a_token_issued_over_the_api_reads_that_customer_only(api: Api) -> None:
    ingest(api, HISTORY)
    with api.client(api.key(Scope.CUSTOMERS_TOKEN)) as http:
        issued = http.post("/api/v1/customers/c2/tokens", json={"ttl_days": 7})
    assert issued.status_code == 201
    token = issued.json()["token"]
    with api.client(token) as http:
        assert http.get("/api/v1/customers/c2/progress").json()["enrolled_on"] == "2025-07-01"
        problem(http.get("/api/v1/customers/c1/progress"), 403)


def test_operators_see_grants_held_for_budget_and_the_budget(api: Api) -> None:
    set_budget(
        uow=api.app.uow, program=api.app.program, total_mb=0, monthly_mb=None, clock=api.app.clock
    )
    ingest(api, HISTORY)
    with api.client(api.key(Scope.PILOT_ADMIN)) as http:
        held = http.get("/api/v1/grants/held").json()["held"]
        budget = http.get("/api/v1/budget").json()
        problem(http.get("/api/v1/customers/c1/progress"), 403)
    assert [(g["customer_id"], g["reward"], g["hold_reason"]) for g in held] == [
        ("c1", "portal_registration", "budget_exhausted")
    ]
    assert (budget["total_mb"], budget["held_grants"], budget["held_mb"]) == (0, 1, 600)


def test_operator_views_need_pilot_admin(api: Api) -> None:
    with api.client(api.key(Scope.GRANTS_READ, Scope.EVENTS_WRITE)) as http:
        for path in ("/api/v1/grants/held", "/api/v1/quarantine", "/api/v1/budget"):
            problem(http.get(path), 403)
