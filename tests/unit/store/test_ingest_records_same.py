"""Checking a row copies the event as little as possible, and still stores exactly what the
first way stored, with the same fingerprint (stored fingerprints must keep matching re-sends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from selfcare.domain.events import Event
from selfcare.ingest.records import Candidate, check_row, fingerprint

NOW = datetime(2027, 1, 1, tzinfo=UTC)
ZONES: list[tzinfo] = [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))]
ZONES += [ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/London"), ZoneInfo("UTC")]


def first_way(line: int, event: Event, now: datetime) -> Candidate:
    """How a candidate was made before: the event as sent in UTC, then the stored copy."""
    occurred = event.occurred_at.astimezone(UTC)
    sent_recorded = event.recorded_at.astimezone(UTC) if event.recorded_at else None
    as_sent = event.model_copy(update={"occurred_at": occurred, "recorded_at": sent_recorded})
    stored = (
        as_sent if sent_recorded else as_sent.model_copy(update={"recorded_at": max(now, occurred)})
    )
    return Candidate(line, stored, fingerprint(as_sent), sent_recorded is not None)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    naive = datetime(2025, 1, 1) + timedelta(seconds=draw(st.integers(0, 700 * 86400)))
    naive += timedelta(microseconds=draw(st.sampled_from([0, 0, 500_000, 123_456])))
    return naive.replace(tzinfo=draw(st.sampled_from(ZONES)))


def written(moment: datetime, as_text: bool) -> object:
    return moment.isoformat().replace("+00:00", "Z") if as_text else moment


@given(moments(), st.none() | moments(), st.booleans(), st.sampled_from([None, "Kündigung"]))
def test_a_checked_row_is_stored_and_fingerprinted_exactly_as_before(
    occurred: datetime, recorded: datetime | None, as_text: bool, text: str | None
) -> None:
    if recorded is not None and recorded < occurred:
        occurred, recorded = recorded, occurred
    row: dict[str, object] = {
        "event_id": "e1",
        "customer_id": "c1",
        "type": "hotline_call",
        "occurred_at": written(occurred, as_text),
        "text": text,
    }
    if recorded is not None:
        row["recorded_at"] = written(recorded, as_text)
    checked = check_row(
        3,
        row,
        source="s",
        now=NOW,
        tolerance=timedelta(0),
        earliest=datetime(2000, 1, 1, tzinfo=UTC),
    )
    assert isinstance(checked, Candidate)
    before = first_way(3, Event.model_validate(row), NOW)
    assert checked == before
    assert checked.event.model_dump_json() == before.event.model_dump_json()
    assert checked.event.occurred_at.tzinfo is before.event.occurred_at.tzinfo
    assert checked.event.model_fields_set == before.event.model_fields_set
    assert checked.sent == before.sent
