"""Poison input on SQLite and PostgreSQL: one bad event or row never fails another.

Each value here once failed a whole write on at least one backend (500, a traceback, a
closed connection, nothing stored): NUL in text (PostgreSQL), a lone surrogate (both),
an instant with no UTC form (both). Now they are refused at the edge, the same way on
both backends, and quarantined with field and reason; every good event is stored once.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.auth.scopes import Scope
from selfcare.bootstrap import App
from selfcare.ingest import records
from selfcare.ingest.rows import rows_from_objects
from selfcare.ingest.service import ingest_file, submit_batch
from selfcare.store.tables import QuarantineRow
from tests.builders import make_program
from tests.integration.api_fixtures import Api, api, problem

pytestmark = pytest.mark.integration
__all__ = ["api"]

# (field, value): each makes a row unusable on at least one backend, or implausible.
POISON: list[tuple[str, Any]] = [
    ("text", "Hallo\u0000Welt"),  # PostgreSQL refuses NUL in text
    ("event_id", "x-\ud800"),  # a lone surrogate: not Unicode
    ("text", "bad \udfff"),
    ("occurred_at", "0001-01-01T00:00:00+14:00"),  # before year 1 in UTC
    ("occurred_at", "9999-12-31T23:59:59-14:00"),  # after year 9999 in UTC
    ("occurred_at", "0001-06-01T10:00:00Z"),  # year 1: implausible
    ("event_id", "e" * 129),  # over-long id
    ("customer_id", "c\u202e1"),  # a bidi override in an id
    ("customer_id", "c\u00071"),  # a control character in an id
    ("reached_agent", "yes"),  # not a JSON boolean
]


def good(event_id: str, customer_id: str = "c1") -> dict[str, Any]:
    return {
        "event_id": event_id,
        "customer_id": customer_id,
        "type": "invitation_accepted",
        "occurred_at": "2026-01-05T09:00:00+01:00",
    }


def body(rows: list[dict[str, Any]]) -> bytes:
    """JSON as an ordinary client writes it: non-ASCII, NUL and surrogates escaped."""
    return json.dumps(rows).encode()


def stored(app: App) -> Counter[str]:
    with app.uow(read_only=True) as work:
        return Counter(e.event_id for e in work.events.all())


def quarantined(app: App) -> int:
    with app.uow(read_only=True) as work:
        return work.session.query(QuarantineRow).count()


async def post_singles(api: Api, key: str, events: list[bytes]) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=120) as http:
        return await asyncio.gather(*(http.post("/api/v1/events", content=e) for e in events))


@pytest.mark.parametrize(("field", "value"), [POISON[0], POISON[3]], ids=["nul", "overflow"])
def test_one_bad_event_among_concurrent_ones_gets_its_own_422_and_fails_no_other(
    api: Api, field: str, value: Any
) -> None:
    goods = [good(f"ok-{n}", f"c{n % 40}") for n in range(150)]
    bad = good("bad") | {field: value}
    events = [body([e])[1:-1] for e in goods]
    events.insert(75, body([bad])[1:-1])
    answers = asyncio.run(post_singles(api, api.key(Scope.EVENTS_WRITE), events))
    statuses = [a.status_code for a in answers]
    assert statuses.pop(75) == 422
    assert statuses == [201] * 150
    assert problem(answers[75], 422)["detail"].startswith(f"{field}:")
    assert stored(api.app) == Counter(e["event_id"] for e in goods)
    assert quarantined(api.app) == 1


def test_a_batch_quarantines_each_poison_row_with_field_and_reason_and_stores_the_rest(
    api: Api,
) -> None:
    rows = [good("ok-1")]
    rows += [good(f"bad-{n}") | {field: value} for n, (field, value) in enumerate(POISON)]
    rows += [good("ok-2") | {"text": "t" * 4001}, good("ok-3")]
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        answer = http.post(
            "/api/v1/events:batch", content=body(rows), headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 200, answer.text
    results = answer.json()["rows"]
    assert [r["status"] for r in results] == ["stored"] + ["quarantined"] * 11 + ["stored"]
    expected_fields = [field for field, _ in POISON] + ["text"]
    assert [r["field"] for r in results[1:-1]] == expected_fields
    assert all(r["reason"] for r in results[1:-1])
    assert stored(api.app) == Counter({"ok-1": 1, "ok-3": 1})
    assert quarantined(api.app) == 11


def test_a_json_object_naming_a_key_twice_is_refused_on_both_routes(api: Api) -> None:
    twice = (
        '{"event_id": "d1", "customer_id": "c1", "customer_id": "c2", "type": '
        '"invitation_accepted", "occurred_at": "2026-01-05T09:00:00Z"}'
    )
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        json_header = {"Content-Type": "application/json"}
        single = http.post("/api/v1/events", content=twice, headers=json_header)
        batch = http.post("/api/v1/events:batch", content=f"[{twice}]", headers=json_header)
        lines = http.post(
            "/api/v1/events:batch", content=twice, headers={"Content-Type": "application/x-ndjson"}
        )
    assert problem(single, 422)["detail"] == "customer_id: duplicate key in the JSON object"
    for answer in (batch, lines):
        [row] = answer.json()["rows"]
        assert (row["status"], row["field"]) == ("quarantined", "customer_id")
    assert stored(api.app) == Counter()


def test_the_batch_is_as_strict_as_the_single_event_about_json_types(api: Api) -> None:
    loose = good("e1") | {"reached_agent": "yes"}
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        single = http.post("/api/v1/events", json=loose)
        batch = http.post("/api/v1/events:batch", json=[loose])
    assert problem(single, 422)["detail"] == "reached_agent: must be true or false (a JSON boolean)"
    assert batch.json()["rows"][0]["field"] == "reached_agent"
    assert stored(api.app) == Counter()


def test_ids_are_nfc_so_both_spellings_are_one_customer(api: Api) -> None:
    composed, decomposed = "d-\u00e9", "d-e\u0301"
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        first = http.post("/api/v1/events", json=good("e\u0301-1", composed))
        again = http.post("/api/v1/events", json=good("\u00e9-1", decomposed))
    assert (first.status_code, again.status_code) == (201, 200)
    with api.app.uow(read_only=True) as work:
        [event] = work.events.all()
    assert (event.event_id, event.customer_id) == ("\u00e9-1", composed)


@pytest.mark.parametrize(
    "program", [make_program(starts_on=date(2026, 1, 1))], ids=["starts_on"], indirect=False
)
def test_events_before_the_programs_first_day_are_quarantined_as_implausible(app: App) -> None:
    rows = [good("early") | {"occurred_at": "2025-12-31T22:59:59Z"}, good("first-day")]
    outcome = submit_batch(app.ingestor, rows_from_objects(rows, source="t"), source="t")
    early, first_day = outcome.rows
    assert (early.status.value, first_day.status.value) == ("quarantined", "stored")
    assert early.problem is not None
    assert "before 2026-01-01" in early.problem.reason
    assert "starts_on" in early.problem.reason


def test_a_year_one_event_is_implausible_without_a_start_date_too(app: App) -> None:
    rows = [good("year-1") | {"occurred_at": "0001-10-04T10:00:00Z"}]
    outcome = submit_batch(app.ingestor, rows_from_objects(rows, source="t"), source="t")
    assert outcome.rows[0].problem is not None
    assert "before 2000-01-01" in outcome.rows[0].problem.reason
    with app.uow(read_only=True) as work:
        assert work.grants.list_() == []


def test_a_file_with_poison_rows_is_ingested_without_them(app: App, tmp_path: Path) -> None:
    rows = [good("ok-1"), *(good(f"bad-{n}") | {f: v} for n, (f, v) in enumerate(POISON))]
    path = tmp_path / "events.jsonl"
    lines = [json.dumps(r) for r in rows] + ['{"event_id": "raw\x00nul"}', json.dumps(good("ok-2"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_file(app.ingestor, path)
    assert (report.received, report.accepted, len(report.quarantined)) == (13, 2, 11)
    assert stored(app) == Counter({"ok-1": 1, "ok-2": 1})


def rows_and_poison() -> st.SearchStrategy[list[tuple[int, int | None]]]:
    """(customer number, index into POISON or None for a good row), 1 to 30 rows."""
    poison = st.none() | st.integers(0, len(POISON) - 1)
    return st.lists(st.tuples(st.integers(0, 9), poison), min_size=1, max_size=30)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=rows_and_poison(), singles=rows_and_poison())
def test_hostile_rows_in_batches_and_concurrent_singles_never_sink_a_good_one(
    api: Api, batch: list[tuple[int, int | None]], singles: list[tuple[int, int | None]]
) -> None:
    run = uuid.uuid4().hex[:8]

    def make(kind: str, n: int, customer: int, poison: int | None) -> dict[str, Any]:
        row = good(f"{run}-{kind}-{n}", f"{run}-c{customer}")
        return row if poison is None else row | dict([POISON[poison]])

    batch_rows = [make("b", n, c, p) for n, (c, p) in enumerate(batch)]
    single_rows = [make("s", n, c, p) for n, (c, p) in enumerate(singles)]
    quarantine_before = quarantined(api.app)
    key = api.key(Scope.EVENTS_WRITE)
    with api.client(key) as http:
        answer = http.post(
            "/api/v1/events:batch",
            content=body(batch_rows),
            headers={"Content-Type": "application/json"},
        )
    answers = asyncio.run(post_singles(api, key, [body([r])[1:-1] for r in single_rows]))

    assert answer.status_code == 200, answer.text
    for result, (_, poison) in zip(answer.json()["rows"], batch, strict=True):
        assert result["status"] == ("stored" if poison is None else "quarantined")
        assert poison is None or result["reason"]
    for reply, (_, poison) in zip(answers, singles, strict=True):
        assert reply.status_code == (201 if poison is None else 422), reply.text
    good_ids = [
        r["event_id"]
        for r, (_, p) in zip(batch_rows + single_rows, batch + singles, strict=True)
        if p is None
    ]
    assert {i: n for i, n in stored(api.app).items() if i.startswith(run)} == dict.fromkeys(
        good_ids, 1
    )
    bad = sum(p is not None for _, p in batch + singles)
    assert quarantined(api.app) - quarantine_before == bad


def test_a_row_the_database_refuses_past_the_edge_is_quarantined_alone(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the edge checks the bad rows reach the write (NUL: PostgreSQL; an instant
    # with no UTC form: both); the write is split until the refused row stands alone.
    monkeypatch.setattr(records, "unstorable", lambda _: None)
    monkeypatch.setattr(records, "instant_problem", lambda *_: None)
    rows = [good(f"ok-{n}") for n in range(7)]
    rows.insert(2, good("bad-nul") | {"text": "a\u0000b"})
    rows.insert(5, good("bad-utc") | {"occurred_at": "0001-01-01T00:00:00+14:00"})
    outcome = submit_batch(app.ingestor, rows_from_objects(rows, source="t"), source="t")
    refused = {r.event_id for r in outcome.rows if r.problem is not None}
    assert "bad-utc" in refused
    assert stored(app) == Counter({f"ok-{n}": 1 for n in range(7)}) + Counter(
        {} if "bad-nul" in refused else {"bad-nul": 1}
    )
