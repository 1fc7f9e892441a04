"""DuckDB's counting (files and database rows) gives exactly the pandas reference's outcomes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from selfcare.errors import InvalidInput
from selfcare.pilot.counting import FIELDS, measure_file, measure_rows
from selfcare.pilot.metrics import Measured, Window, measure
from selfcare.pilot.simulate import Scenario, simulate
from selfcare.program.load import bundled_example

SCENARIO = Scenario(customers=1_500, months=3, pre_months=3, seed=11, repeat_share=0.5)
PROGRAM = bundled_example()
WINDOW = Window(date(2025, 1, 1), date(2025, 4, 1), 3, PROGRAM.timezone)
CODES = ("BESCHWERDE",)
OUTCOMES = [
    "treat",
    "counted",
    "counted_pre",
    "contacts",
    "complaints",
    "repeat_reception",
    "accepted",
    "churned",
    "accepted_at",
    "first_counted_after_acceptance",
]


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, pd.DataFrame]:
    _, assignments, events, _ = simulate(SCENARIO)
    return assignments, events


def reference(events: pd.DataFrame, assignments: pd.DataFrame) -> Measured:
    frame = events.copy()
    for column in ("direction", "reached_agent", "reason_code", "text"):
        if column not in frame:
            frame[column] = None
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True, format="ISO8601")
    return measure(frame, assignments, PROGRAM, WINDOW, CODES)


def assert_same(ours: Measured, theirs: Measured) -> None:
    tasks = [c for c in theirs.customers.columns if c.startswith("task_")]
    left, right = ours.customers[OUTCOMES + tasks].copy(), theirs.customers[OUTCOMES + tasks].copy()
    for frame in (left, right):  # the same instants, whatever the unit
        for column in ("accepted_at", "first_counted_after_acceptance"):
            frame[column] = frame[column].astype("datetime64[ns, UTC]")
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_index_type=False)
    pd.testing.assert_frame_equal(
        ours.monthly, theirs.monthly, check_dtype=False, check_names=False
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_duckdb_over_an_events_file_counts_as_the_reference_does(
    simulated: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path, suffix: str
) -> None:
    assignments, events = simulated
    path = tmp_path / f"events{suffix}"
    if suffix == ".jsonl":
        events.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".csv":
        events.to_csv(path, index=False)
    else:
        events.to_parquet(path)
    ours = measure_file(
        path, assignments=assignments, program=PROGRAM, window=WINDOW, complaint_codes=CODES
    )
    assert ours.customers["counted"].sum() > 100  # a real pilot, not an empty one
    assert ours.customers["repeat_reception"].sum() > 0
    assert_same(ours, reference(events, assignments))


EDGE_ROWS = [
    # hotline pass after a diagnosis, across the March DST change; outbound; unanswered
    (
        "a1",
        "a",
        "hotline_call",
        "2025-02-03T10:00:00+01:00",
        None,
        "Frage zur Rechnung",
        None,
        None,
    ),
    ("a2", "a", "hotline_call", "2025-02-04T10:00:00+01:00", "VVL", None, None, None),
    ("a3", "a", "speedcheck_deviation", "2025-03-17T10:00:00+01:00", None, None, None, None),
    (
        "a4",
        "a",
        "hotline_call",
        "2025-03-31T10:30:00+02:00",
        None,
        "Roaming aktivieren",
        None,
        None,
    ),
    (
        "a5",
        "a",
        "hotline_call",
        "2025-03-31T09:30:00+02:00",
        None,
        "Roaming aktivieren",
        None,
        None,
    ),
    ("a6", "a", "invitation_accepted", "2025-01-10T09:30:00+01:00", None, None, None, None),
    (
        "b1",
        "b",
        "hotline_call",
        "2025-02-05T10:00:00+01:00",
        None,
        "Kein Netz seit gestern",
        None,
        None,
    ),
    ("b2", "b", "chat_contact", "2025-02-06T10:00:00+01:00", None, "Frage zum Tarif", None, None),
    (
        "b3",
        "b",
        "hotline_call",
        "2025-03-01T00:30:00+01:00",
        None,
        "Frage zum Tarif",
        "outbound",
        None,
    ),
    ("b4", "b", "hotline_call", "2025-03-02T00:30:00+01:00", None, "Frage zum Tarif", None, False),
    ("b5", "b", "hotline_call", "2025-03-03T00:30:00+01:00", "BESCHWERDE", "Frage", None, True),
    ("b6", "b", "contract_ended", "2025-03-20T00:30:00+01:00", None, None, None, None),
    ("c1", "c", "hotline_call", "2024-12-31T23:30:00+01:00", None, "Frage zum Tarif", None, None),
    ("c2", "c", "hotline_call", "2025-01-01T00:30:00+01:00", None, "Frage zum Tarif", None, None),
    ("c2", "c", "hotline_call", "2025-01-01T00:30:00+01:00", None, "Frage zum Tarif", None, None),
    ("c3", "c", "hotline_call", "2025-04-01T00:30:00+02:00", None, "Frage zum Tarif", None, None),
    ("x1", "x", "hotline_call", "2025-02-01T10:00:00+01:00", None, "Frage zum Tarif", None, None),
]
EDGE_ASSIGNMENTS = pd.DataFrame(
    {"customer_id": ["a", "b", "c"], "arm": ["treatment", "control", "treatment"], "stratum": "all"}
)


def test_the_edges_count_alike_pass_dst_months_direction_duplicates_and_strangers(
    tmp_path: Path,
) -> None:
    events = pd.DataFrame(EDGE_ROWS, columns=list(FIELDS))
    theirs = reference(events.drop_duplicates("event_id"), EDGE_ASSIGNMENTS)
    path = tmp_path / "edges.jsonl"  # c2 sent twice: the file's repeat is dropped
    events.to_json(path, orient="records", lines=True, force_ascii=False)
    from_file = measure_file(
        path, assignments=EDGE_ASSIGNMENTS, program=PROGRAM, window=WINDOW, complaint_codes=CODES
    )
    stamps = pd.to_datetime(events["occurred_at"], utc=True, format="ISO8601")
    rows: list[tuple[object, ...]] = [  # a database holds each id once
        (*row[:3], stamp.to_pydatetime(), *row[4:])
        for number, (row, stamp) in enumerate(zip(EDGE_ROWS, stamps, strict=True))
        if number != 14  # c2's second copy
    ]
    from_rows = measure_rows(
        [rows], assignments=EDGE_ASSIGNMENTS, program=PROGRAM, window=WINDOW, complaint_codes=CODES
    )
    for ours in (from_file, from_rows):
        assert_same(ours, theirs)
        # hand-counted: a1 counts (Feb); a4 is 30 minutes after a3's pass ends (14 local
        # days, across the DST change), a5 within it
        assert ours.customers.loc["a", "counted"] == 2
        assert ours.monthly.loc["a"].tolist() == [0.0, 1.0, 1.0]
        assert ours.customers.loc["c", "counted"] == 1  # c2 once, c1 is before, c3 after
        assert ours.customers.loc["b", "complaints"] == 1
        assert ours.customers.loc["b", "churned"] == 1


def test_a_file_without_a_required_field_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("event_id,customer_id,occurred_at\ne1,a,2025-02-01T10:00:00Z\n")
    with pytest.raises(InvalidInput, match=r"events.csv: missing field\(s\) type"):
        measure_file(
            path,
            assignments=EDGE_ASSIGNMENTS,
            program=PROGRAM,
            window=WINDOW,
            complaint_codes=CODES,
        )


def test_a_time_that_is_not_iso_8601_names_the_event(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"event_id": "e1", "customer_id": "a", "type": "hotline_call", "occurred_at": "gestern"}\n'
    )
    with pytest.raises(InvalidInput, match="event 'e1': occurred_at is not an ISO 8601 time"):
        measure_file(
            path,
            assignments=EDGE_ASSIGNMENTS,
            program=PROGRAM,
            window=WINDOW,
            complaint_codes=CODES,
        )
