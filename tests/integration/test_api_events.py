"""Event ingest over HTTP on a live server, SQLite and PostgreSQL: idempotent, quarantined
rows kept with the reason, conflicts named by field, limits enforced."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter

import httpx
import pytest

from selfcare.auth.scopes import Scope
from selfcare.store.tables import EventRow
from tests.integration.api_fixtures import SMALL_LIMITS, Api, api, problem

pytestmark = pytest.mark.integration
__all__ = ["api"]

ACCEPTED = {
    "event_id": "e-accept",
    "customer_id": "c1",
    "type": "invitation_accepted",
    "occurred_at": "2026-01-05T09:00:00+01:00",
}
PORTAL = {
    "event_id": "e-portal",
    "customer_id": "c1",
    "type": "portal_registered",
    "occurred_at": "2026-01-06T10:00:00+01:00",
}


def stored_ids(api: Api) -> set[str]:
    with api.app.uow(read_only=True) as work:
        return {e.event_id for e in work.events.all()}


def test_an_event_is_stored_with_201_and_resending_it_answers_200_duplicate(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        first = http.post("/api/v1/events", json=ACCEPTED)
        again = http.post("/api/v1/events", json=ACCEPTED)
    assert first.status_code == 201
    assert first.json() == {
        "event_id": "e-accept",
        "status": "created",
        "grants": 0,
        "held": 0,
        "recorded_at_ignored": False,
        "notes": [],
    }
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert stored_ids(api) == {"e-accept"}


def test_an_event_that_makes_a_bonus_due_reports_the_new_grant(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        http.post("/api/v1/events", json=ACCEPTED)
        answer = http.post("/api/v1/events", json=PORTAL)
    assert answer.status_code == 201
    assert answer.json()["grants"] == 1


def test_the_same_id_with_other_content_is_a_409_naming_the_fields_not_the_stored_values(
    api: Api,
) -> None:
    """An `events:write` key feeds events in; it must not read stored ones back (issue 8.11)."""
    changed = ACCEPTED | {"occurred_at": "2026-01-07T09:00:00+01:00"}
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        http.post("/api/v1/events", json=ACCEPTED)
        answer = http.post("/api/v1/events", json=changed)
        batch = http.post("/api/v1/events:batch", json=[changed])
    body = problem(answer, 409)
    assert body["code"] == "conflict"
    assert body["fields"] == ["occurred_at"]
    assert "versions" not in body
    assert "2026-01-05" not in answer.text
    assert batch.json()["conflicts"] == [
        {"event_id": ACCEPTED["event_id"], "line": 1, "fields": ["occurred_at"]}
    ]
    assert "2026-01-05" not in batch.text


def test_an_invalid_event_is_refused_with_422_naming_the_field_and_kept_in_quarantine(
    api: Api,
) -> None:
    bad = ACCEPTED | {"type": "fax_received"}
    with api.admin() as http:
        answer = http.post("/api/v1/events", json=bad)
        quarantine = http.get("/api/v1/quarantine").json()
    body = problem(answer, 422)
    assert body["detail"].startswith("type:")
    assert quarantine["total"] == 1
    assert quarantine["items"][0]["field"] == "type"
    assert json.loads(quarantine["items"][0]["raw"])["type"] == "fax_received"
    assert stored_ids(api) == set()


def test_an_event_from_beyond_the_future_tolerance_is_refused(api: Api) -> None:
    # The hand clock stands at 2026-03-02 12:00 UTC; five minutes ahead are tolerated.
    future = ACCEPTED | {"occurred_at": "2026-03-02T12:06:00Z"}
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post("/api/v1/events", json=future)
    assert problem(answer, 422)["detail"].startswith("occurred_at: lies in the future")


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b'{"event_id": "x"}', "text/plain", 415),
        (b"x" * (SMALL_LIMITS.event + 1), "application/json", 413),
    ],
    ids=["not JSON", "not UTF-8", "not an object", "wrong content type", "too large"],
)
def test_a_body_that_is_not_one_json_event_is_refused_with_a_problem(
    api: Api, body: bytes, content_type: str, status: int
) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post("/api/v1/events", content=body, headers={"content-type": content_type})
    problem(answer, status)


def test_a_batch_answers_per_row_and_stores_the_valid_rows(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        http.post("/api/v1/events", json=PORTAL | {"event_id": "e-old"})
        batch = [
            ACCEPTED,
            ACCEPTED,
            {"event_id": "e-bad", "customer_id": "c1", "type": "hotline_call"},
            PORTAL | {"event_id": "e-old", "occurred_at": "2026-01-09T10:00:00+01:00"},
            "not an object",
            PORTAL,
            PORTAL,
        ]
        answer = http.post("/api/v1/events:batch", json=batch)
    assert answer.status_code == 200
    result = answer.json()
    statuses = [(r["line"], r["event_id"], r["status"]) for r in result["rows"]]
    assert statuses == [
        (1, "e-accept", "stored"),
        (2, "e-accept", "duplicate"),
        (3, "e-bad", "quarantined"),
        (4, "e-old", "conflict"),
        (5, None, "quarantined"),
        (6, "e-portal", "stored"),
        (7, "e-portal", "duplicate"),
    ]
    assert result["rows"][2]["field"] == "occurred_at"
    assert result["rows"][2]["reason"] == "is required"
    assert result["rows"][4]["reason"] == "not a JSON object"
    assert (result["received"], result["accepted"], result["duplicates"]) == (7, 2, 2)
    assert result["quarantined"] == 2
    assert [c["event_id"] for c in result["conflicts"]] == ["e-old"]
    assert stored_ids(api) == {"e-accept", "e-portal", "e-old"}


def test_a_json_lines_batch_keeps_a_broken_line_in_quarantine_with_its_reason(api: Api) -> None:
    text = "\n".join([json.dumps(ACCEPTED), "{broken", "", json.dumps(PORTAL)]) + "\n"
    with api.admin() as http:
        answer = http.post(
            "/api/v1/events:batch",
            content=text.encode(),
            headers={"content-type": "application/x-ndjson"},
        )
        quarantine = http.get("/api/v1/quarantine").json()
    rows = answer.json()["rows"]
    assert [(r["line"], r["status"]) for r in rows] == [
        (1, "stored"),
        (2, "quarantined"),
        (4, "stored"),
    ]
    assert rows[1]["reason"].startswith("not valid JSON")
    assert [(q["line"], q["raw"]) for q in quarantine["items"]] == [(2, "{broken")]
    assert stored_ids(api) == {"e-accept", "e-portal"}


def test_a_batch_of_more_than_ten_thousand_events_is_refused_whole(api: Api) -> None:
    lines = "{}\n" * 10_001
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post(
            "/api/v1/events:batch",
            content=lines.encode(),
            headers={"content-type": "application/x-ndjson"},
        )
    assert "at most 10000" in problem(answer, 422)["detail"]
    with api.app.uow(read_only=True) as work:
        assert work.quarantine.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"event_id": "x"}', "application/json", 422),
        (b"[", "application/json", 400),
        (b"a,b\n1,2\n", "text/csv", 415),
        (b"[" + b" " * SMALL_LIMITS.batch + b"]", "application/json", 413),
    ],
    ids=["object instead of array", "not JSON", "CSV", "too large"],
)
def test_a_batch_body_of_the_wrong_form_is_refused_with_a_problem(
    api: Api, body: bytes, content_type: str, status: int
) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post(
            "/api/v1/events:batch", content=body, headers={"content-type": content_type}
        )
    problem(answer, status)


def test_events_are_stored_once_in_the_events_table_whatever_the_route(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        http.post("/api/v1/events", json=ACCEPTED)
        http.post("/api/v1/events:batch", json=[ACCEPTED, PORTAL])
    with api.app.uow(read_only=True) as work:
        rows = work.session.query(EventRow).count()
    assert rows == 2


def test_a_single_event_is_held_to_the_json_types_of_its_schema(api: Api) -> None:
    # Files carry every value as text, so ingest is lenient; JSON clients get the schema.
    loose = ACCEPTED | {"reached_agent": 0}
    with api.admin() as http:
        answer = http.post("/api/v1/events", json=loose)
        quarantine = http.get("/api/v1/quarantine").json()
    assert problem(answer, 422)["detail"].startswith("reached_agent:")
    assert [item["field"] for item in quarantine["items"]] == ["reached_agent"]
    assert stored_ids(api) == set()


def test_concurrent_single_events_each_get_their_own_answer_and_grants_count_once(
    api: Api,
) -> None:
    # 40 customers accept, 10 of them register in the portal (one 600 MB grant each);
    # 10 acceptances are sent twice as they are, 5 a second time with other content.
    accepted = [ACCEPTED | {"event_id": f"acc-{n}", "customer_id": f"c{n}"} for n in range(40)]
    portals = [PORTAL | {"event_id": f"por-{n}", "customer_id": f"c{n}"} for n in range(10)]
    repeated = accepted[10:20]
    changed = [e | {"occurred_at": "2026-01-05T10:00:00+01:00"} for e in accepted[20:25]]
    requests = accepted + portals + repeated + changed
    random.Random(7).shuffle(requests)

    async def send_all(key: str) -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=60) as http:
            return await asyncio.gather(*(http.post("/api/v1/events", json=e) for e in requests))

    answers = asyncio.run(send_all(api.key(Scope.EVENTS_WRITE)))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 50, 200: 10, 409: 5}
    assert sum(a.json().get("grants", 0) for a in answers if a.status_code != 409) == 10
    assert stored_ids(api) == {e["event_id"] for e in accepted + portals}
    with api.app.uow(read_only=True) as work:
        assert len(work.grants.list_()) == 10
