"""From raw rows to storable events: limits, UTC, fingerprints, line numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfcare.errors import InvalidInput
from selfcare.grants.ledger import GRANT_NAMESPACE, grant_id
from selfcare.ingest.records import Candidate, check_row, quarantined
from selfcare.ingest.rows import RowProblem, rows_from_csv, rows_from_file, rows_from_jsonl

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TOLERANCE = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def check(**fields: object) -> Candidate | RowProblem:
    row = {
        "event_id": "e1",
        "customer_id": "c1",
        "type": "hotline_call",
        "occurred_at": "2026-03-02T10:00:00+01:00",
    } | fields
    return check_row(7, row, source="test", now=NOW, tolerance=TOLERANCE, earliest=EARLIEST)


def test_times_up_to_the_tolerance_ahead_are_accepted_and_beyond_it_refused() -> None:
    assert isinstance(check(occurred_at="2026-03-02T12:05:00Z"), Candidate)
    refused = check(occurred_at="2026-03-02T12:05:01Z")
    assert isinstance(refused, RowProblem)
    assert (refused.line, refused.field) == (7, "occurred_at")
    assert "300 s" in refused.reason


def test_events_are_kept_in_utc_and_recorded_at_ingest_when_not_sent() -> None:
    candidate = check()
    assert isinstance(candidate, Candidate)
    assert candidate.event.occurred_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert candidate.event.occurred_at.utcoffset() == timedelta(0)
    assert candidate.event.recorded_at == NOW
    assert (candidate.recorded_at_sent, candidate.sent["recorded_at"]) == (False, None)


def test_an_event_slightly_ahead_of_the_clock_is_recorded_when_it_occurs() -> None:
    candidate = check(occurred_at="2026-03-02T12:03:00Z")
    assert isinstance(candidate, Candidate)
    assert candidate.event.recorded_at == datetime(2026, 3, 2, 12, 3, tzinfo=UTC)


def test_the_same_moment_written_with_another_offset_is_the_same_event() -> None:
    a, b = check(), check(occurred_at="2026-03-02T09:00:00Z")
    assert isinstance(a, Candidate)
    assert isinstance(b, Candidate)
    assert a.fingerprint == b.fingerprint
    c = check(text="Kündigung")
    assert isinstance(c, Candidate)
    assert c.fingerprint != a.fingerprint


def test_a_quarantined_row_keeps_its_event_id_when_it_has_one() -> None:
    problem = check(type="teleported")
    assert isinstance(problem, RowProblem)
    row = quarantined(problem, received_at=NOW)
    assert (row.event_id, row.field, row.line) == ("e1", "type", 7)


def test_json_lines_keep_their_line_numbers_across_blank_lines() -> None:
    rows = list(rows_from_jsonl('{"a": 1}\n\n[1]\n{bad\n', source="s"))
    assert [n for n, _ in rows] == [1, 3, 4]
    assert isinstance(rows[1][1], RowProblem)
    assert rows[1][1].reason == "not a JSON object"


def test_csv_cells_become_fields_and_unknown_columns_are_refused() -> None:
    rows = list(rows_from_csv("event_id,reached_agent,text\ne1,no,\ne2,1,hi,extra\n", source="s"))
    assert rows[0] == (2, {"event_id": "e1", "reached_agent": False})
    assert isinstance(rows[1][1], RowProblem)
    with pytest.raises(InvalidInput, match="unknown columns colour"):
        list(rows_from_csv("event_id,colour\n", source="s"))


def test_parquet_rows_are_numbered_from_one_and_nulls_are_not_given(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    pq.write_table(pa.table({"event_id": ["a", "b"], "text": [None, "x"]}), path)
    assert list(rows_from_file(path)) == [
        (1, {"event_id": "a"}),
        (2, {"event_id": "b", "text": "x"}),
    ]


def test_a_grant_has_one_id_for_ever_and_another_for_another_period() -> None:
    first = grant_id("p", "c1", "streak", "2025-05-31")
    assert first == grant_id("p", "c1", "streak", "2025-05-31")
    assert first != grant_id("p", "c1", "streak", "2026-03-04")
    assert first != grant_id("p", "c1s", "treak", "2025-05-31")


@given(st.lists(st.text(), min_size=4, max_size=4))
def test_a_grant_id_is_the_uuid5_of_program_customer_reward_and_period(parts: list[str]) -> None:
    """Ids already in ledgers and charging systems must not change with the spelling."""
    expected = uuid.uuid5(GRANT_NAMESPACE, "\x1f".join(parts))
    assert grant_id(*parts) == str(expected)
