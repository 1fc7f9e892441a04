"""Ingest on SQLite and PostgreSQL: stored once, bad rows quarantined, conflicts shown."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from selfcare.bootstrap import App
from selfcare.domain.events import Event
from selfcare.errors import InvalidInput
from selfcare.ingest.service import (
    EventConflict,
    ingest_batch,
    ingest_event,
    ingest_file,
)
from tests.integration.conftest import Clock

pytestmark = pytest.mark.integration


def row(
    event_id: str,
    kind: str = "portal_registered",
    customer: str = "c1",
    when: str = "2026-02-10T09:00:00+01:00",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "customer_id": customer,
        "type": kind,
        "occurred_at": when,
        **extra,
    }


def stored(app: App) -> dict[str, Event]:
    """The stored events by id, as the evaluator sees them."""
    with app.uow(read_only=True) as work:
        return {e.event_id: e for e in work.events.all()}


def test_a_batch_stores_its_valid_rows_and_quarantines_the_rest_with_reasons(app: App) -> None:
    batch = [
        row("e1", "invitation_accepted"),
        row("e2", "teleported"),
        row("e3"),
        {"event_id": "e4", "customer_id": "c1", "type": "portal_registered"},
        "not an object",
        row("e5", text="x" * 4001),
    ]
    report = ingest_batch(app.ingestor, batch)
    assert (report.received, report.accepted) == (6, 2)
    assert sorted(stored(app)) == ["e1", "e3"]
    problems = [(p.line, p.field) for p in report.quarantined]
    assert problems == [(2, "type"), (4, "occurred_at"), (5, "-"), (6, "text")]
    with app.uow(read_only=True) as work:
        kept = work.quarantine.list_()
    assert [(q.line, q.field, q.event_id) for q in kept] == [
        (2, "type", "e2"),
        (4, "occurred_at", "e4"),
        (5, "-", None),
        (6, "text", "e5"),
    ]
    assert json.loads(kept[0].raw)["type"] == "teleported"
    assert kept[1].reason == "is required"


def test_resending_an_identical_event_is_accepted_as_a_duplicate(app: App) -> None:
    ingest_event(app.ingestor, row("e1"))
    again = ingest_event(app.ingestor, row("e1", when="2026-02-10T08:00:00Z"))
    assert (again.accepted, again.duplicates) == (0, 1)
    assert list(stored(app)) == ["e1"]


def test_the_same_id_with_other_content_is_a_conflict_showing_both_versions(app: App) -> None:
    ingest_event(app.ingestor, row("e1"))
    with pytest.raises(EventConflict) as raised:
        ingest_event(app.ingestor, row("e1", text="changed"))
    [item] = raised.value.items
    assert item.stored["text"] is None
    assert item.received["text"] == "changed"
    assert item.stored["occurred_at"] == "2026-02-10T08:00:00Z"
    with app.uow(read_only=True) as work:
        [kept] = work.quarantine.list_()
    assert (kept.field, kept.event_id) == ("event_id", "e1")
    assert stored(app)["e1"].text is None


def test_a_batch_reports_conflicts_and_stores_its_other_rows(app: App) -> None:
    ingest_event(app.ingestor, row("e1"))
    report = ingest_batch(app.ingestor, [row("e1", customer="c2"), row("e2"), row("e2")])
    assert (report.accepted, report.duplicates, len(report.conflicts)) == (1, 1, 1)
    assert report.conflicts[0].received["customer_id"] == "c2"
    assert sorted(stored(app)) == ["e1", "e2"]


def test_an_invalid_single_event_is_quarantined_and_refused(app: App) -> None:
    with pytest.raises(InvalidInput, match="occurred_at"):
        ingest_event(app.ingestor, row("e1", when="2026-02-10 09:00"))
    with app.uow(read_only=True) as work:
        assert work.quarantine.count() == 1
        assert work.events.count() == 0


def test_times_beyond_the_tolerance_in_the_future_are_quarantined(app: App, clock: Clock) -> None:
    clock.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    report = ingest_batch(
        app.ingestor,
        [
            row("ok", when="2026-03-02T12:04:00Z"),
            row("late", when="2026-03-02T12:06:00Z"),
            row("rec", when="2026-03-02T11:00:00Z", recorded_at="2026-03-02T13:00:00Z"),
        ],
    )
    assert report.accepted == 1
    assert [(p.line, p.field) for p in report.quarantined] == [
        (2, "occurred_at"),
        (3, "recorded_at"),
    ]


def test_an_event_without_recorded_at_is_recorded_at_ingest_time(app: App, clock: Clock) -> None:
    ingest_event(app.ingestor, row("e1", when="2026-01-05T10:00:00Z"))
    ingest_event(
        app.ingestor, row("e2", when="2026-01-05T10:00:00Z", recorded_at="2026-01-06T10:00:00Z")
    )
    events = stored(app)
    assert events["e1"].recorded_at == clock.now
    assert events["e2"].recorded_at == datetime(2026, 1, 6, 10, tzinfo=UTC)


def test_a_batch_larger_than_the_limit_is_refused_whole(app: App) -> None:
    too_many = [row(f"e{n}") for n in range(10_001)]
    with pytest.raises(InvalidInput, match="at most 10000"):
        ingest_batch(app.ingestor, too_many)
    with app.uow(read_only=True) as work:
        assert work.events.count() == 0


def test_json_lines_text_is_a_batch_with_line_numbers(app: App) -> None:
    text = "\n".join([json.dumps(row("e1")), "", "{broken", json.dumps(row("e2"))])
    report = ingest_batch(app.ingestor, text)
    assert report.accepted == 2
    assert [(p.line, p.field) for p in report.quarantined] == [(3, "-")]


def test_files_in_json_lines_csv_and_parquet_are_ingested(app: App, tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps(row("j1")) + "\n" + json.dumps(row("j2", "nope")) + "\n")
    csv = tmp_path / "b.csv"
    csv.write_text(
        "event_id,customer_id,type,occurred_at,reached_agent\n"
        "c1,c9,hotline_call,2026-02-11T10:00:00Z,false\n"
        "c2,c9,hotline_call,,true\n"
    )
    parquet = tmp_path / "c.parquet"
    table = pa.table(
        {
            "event_id": ["p1", "p2"],
            "customer_id": ["c7", "c7"],
            "type": ["app_first_login", "app_first_login"],
            "occurred_at": pa.array(
                [datetime(2026, 2, 1, tzinfo=UTC), None], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    pq.write_table(table, parquet)
    reports = [ingest_file(app.ingestor, path) for path in (jsonl, csv, parquet)]
    assert [(r.accepted, [(p.line, p.field) for p in r.quarantined]) for r in reports] == [
        (1, [(2, "type")]),
        (1, [(3, "occurred_at")]),
        (1, [(2, "occurred_at")]),
    ]
    events = stored(app)
    assert sorted(events) == ["c1", "j1", "p1"]
    assert events["c1"].reached_agent is False
    assert events["p1"].occurred_at == datetime(2026, 2, 1, tzinfo=UTC)


def test_a_large_file_is_stored_in_several_transactions(app: App, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(
        "\n".join(json.dumps(row(f"e{n:05d}", customer=f"c{n % 50}")) for n in range(12_000))
    )
    parts: list[int] = []
    report = ingest_file(app.ingestor, path, on_batch=lambda r: parts.append(r.received))
    assert parts == [10_000, 2_000]
    assert report.accepted == 12_000


def test_an_unknown_file_type_is_refused_with_its_name(app: App, tmp_path: Path) -> None:
    path = tmp_path / "events.xml"
    path.write_text("<events/>")
    with pytest.raises(InvalidInput, match=r"events\.xml"):
        ingest_file(app.ingestor, path)
