"""Reading events: bad rows are reported with file, line, field and reason, valid rows kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from selfcare.errors import InvalidInput
from selfcare.ingest.event_files import parse_jsonl, read_events

GOOD = json.dumps(
    {
        "event_id": "a",
        "customer_id": "c",
        "type": "hotline_call",
        "occurred_at": "2025-06-01T10:00:00+02:00",
    }
)


def test_jsonl_keeps_valid_rows_and_reports_each_bad_one() -> None:
    text = "\n".join(
        [
            GOOD,
            "{not json",
            GOOD.replace('"a"', '"b"').replace("hotline_call", "hotline_cal"),
            GOOD.replace('"a"', '"c"').replace("+02:00", ""),
            "",
            "[1, 2]",
        ]
    )
    result = parse_jsonl(text, source="in.jsonl")
    assert [e.event_id for e in result.events] == ["a"]
    assert [(p.line, p.field) for p in result.problems] == [
        (2, "-"),
        (3, "type"),
        (4, "occurred_at"),
        (6, "-"),
    ]
    assert str(result.problems[2]).startswith(
        "in.jsonl, line 4, field occurred_at: needs a time zone"
    )


def test_csv_reads_booleans_and_empty_cells_and_reports_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "event_id,customer_id,type,occurred_at,direction,reached_agent,text\n"
        "a,c,hotline_call,2025-06-01T10:00:00+02:00,,false,Kündigung\n"
        "b,c,hotline_call,2025-06-01T10:00:00+02:00,sideways,,\n"
        "c,c,portal_registered,2025-06-01T10:00:00+02:00,,,\n",
        encoding="utf-8",
    )
    result = read_events(path)
    assert [(e.event_id, e.reached_agent) for e in result.events] == [("a", False), ("c", True)]
    (problem,) = result.problems
    assert (problem.line, problem.field) == (3, "direction")


def test_csv_with_unknown_columns_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("event_id,kunde\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="unknown columns kunde"):
        read_events(path)


def test_unknown_file_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.xlsx"
    path.write_text("x")
    with pytest.raises(InvalidInput, match=r"unknown event file type '\.xlsx'; use \.jsonl"):
        read_events(path)


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\ufeff" + GOOD + "\n", encoding="utf-8")
    assert len(read_events(path).events) == 1


def test_parquet_event_files_are_read_like_the_others(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    rows = [
        json.loads(GOOD),
        {
            "event_id": "b",
            "customer_id": "c",
            "type": "nope",
            "occurred_at": "2025-06-01T10:00:00Z",
        },
    ]
    pq.write_table(pa.Table.from_pylist(rows), path)
    result = read_events(path)
    assert [e.event_id for e in result.events] == ["a"]
    assert [(p.line, p.field) for p in result.problems] == [(2, "type")]
