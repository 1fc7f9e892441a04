"""Shared for the customer page tests: a few customers' stories in the service, and a
browser-like login with the one-time link."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from typing import Any

import httpx

from selfcare.bootstrap import App
from selfcare.domain.ledger import GrantStatus
from selfcare.grants.ledger import customer_grants
from selfcare.ingest.rows import rows_from_jsonl
from selfcare.ingest.service import ingest_rows

ALPHA = "cust-alpha"
BETA = "cust-beta"
CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')

# ALPHA: enrolled, portal and app bonus, an exempt call (agent code VVL), then a counted call
# about the bill that restarted the window. BETA: enrolled, portal bonus (its top-up will be
# refused by the charging system) and a call in the queue only.
STORIES: list[dict[str, Any]] = [
    {"event_id": "c1-1", "customer_id": ALPHA, "type": "invitation_accepted",
     "occurred_at": "2025-05-31T09:00:00+02:00"},
    {"event_id": "c1-2", "customer_id": ALPHA, "type": "portal_registered",
     "occurred_at": "2025-06-01T10:00:00+02:00"},
    {"event_id": "c1-3", "customer_id": ALPHA, "type": "app_first_login",
     "occurred_at": "2025-06-02T10:00:00+02:00"},
    {"event_id": "c1-4", "customer_id": ALPHA, "type": "hotline_call",
     "occurred_at": "2025-09-15T11:00:00+02:00", "reason_code": "VVL"},
    {"event_id": "c1-5", "customer_id": ALPHA, "type": "hotline_call",
     "occurred_at": "2025-10-01T10:00:00+02:00", "text": "Frage zu meiner Rechnung"},
    {"event_id": "c2-1", "customer_id": BETA, "type": "invitation_accepted",
     "occurred_at": "2025-07-01T09:00:00+02:00"},
    {"event_id": "c2-2", "customer_id": BETA, "type": "portal_registered",
     "occurred_at": "2025-07-02T09:00:00+02:00"},
    {"event_id": "c2-3", "customer_id": BETA, "type": "hotline_call",
     "occurred_at": "2025-08-02T09:00:00+02:00", "reached_agent": False},
]  # fmt: skip


def tell_stories(app: App) -> None:
    """Ingest the stories, let the grants fall due and the relay confirm them; then the
    charging system's refusal of BETA's top-up is written as the relay would."""
    # recorded when they happened, as a live feed would have sent them
    text = "\n".join(json.dumps(e | {"recorded_at": e["occurred_at"]}) for e in STORIES)
    ingest_rows(app.ingestor, rows_from_jsonl(text, source="stories"), source="stories")
    app.tick()
    app.relay(backoff_cap=timedelta(0)).run(threading.Event(), drain=True)
    [refused] = [g.grant_id for g in customer_grants(uow=app.uow, customer_id=BETA)]
    with app.uow() as work:
        work.grants.mark([refused], status=GrantStatus.REJECTED, hold_reason=None)
        work.commit()


def csrf_of(page: httpx.Response) -> str:
    found = CSRF_INPUT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def log_in(http: httpx.Client, token: str, next_page: str = "/me") -> httpx.Response:
    """Open the login link, confirm the login; answers the page landed on."""
    link = http.get("/login", params={"token": token, "next": next_page})
    assert link.status_code == 303, link.text
    assert "token" not in link.headers["location"]
    confirmed = http.post(
        "/login", data={"csrf": csrf_of(http.get(link.headers["location"])), "next": next_page}
    )
    assert confirmed.status_code == 303, confirmed.text
    assert confirmed.headers["location"] == next_page
    return http.get(confirmed.headers["location"])
