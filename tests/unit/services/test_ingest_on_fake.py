"""Ingest on the fake unit of work: stored once, bad rows quarantined, conflicts shown,
and a batch's events, states, grants and outbox entries commit together or not at all."""

from __future__ import annotations

from typing import Any

import pytest

from selfcare.errors import InvalidInput
from selfcare.ingest.service import (
    EventConflict,
    Ingestor,
    Limits,
    ingest_batch,
    ingest_event,
)
from tests.unit.services.wiring import Wired, enrolled_and_registered


def row(event_id: str, kind: str = "portal_registered", **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "customer_id": "c1",
        "type": kind,
        "occurred_at": "2026-02-10T09:00:00+01:00",
        **extra,
    }


def stored_ids(wired: Wired) -> list[str]:
    with wired.storage(read_only=True) as work:
        return [e.event_id for e in work.events.all()]


def test_a_batch_stores_its_valid_rows_and_quarantines_the_rest_with_reasons() -> None:
    wired = Wired()
    batch = [row("e1", "invitation_accepted"), row("e2", "teleported"), row("e3"), "no object"]
    report = ingest_batch(wired.ingestor, batch)
    assert (report.received, report.accepted) == (4, 2)
    assert stored_ids(wired) == ["e1", "e3"]
    with wired.storage(read_only=True) as work:
        kept = work.quarantine.list_()
    assert [(q.line, q.field, q.event_id) for q in kept] == [(2, "type", "e2"), (4, "-", None)]


def test_sending_a_batch_again_stores_nothing_new_and_counts_duplicates() -> None:
    wired = Wired()
    first = ingest_batch(wired.ingestor, enrolled_and_registered("c1"))
    again = ingest_batch(wired.ingestor, enrolled_and_registered("c1"))
    assert (first.accepted, first.duplicates, len(first.grants)) == (2, 0, 1)
    assert (again.accepted, again.duplicates, again.grants) == (0, 2, [])
    assert stored_ids(wired) == ["c1-inv", "c1-reg"]


def test_an_id_sent_again_with_other_content_is_a_conflict_showing_both_versions() -> None:
    wired = Wired()
    ingest_batch(wired.ingestor, [row("e1")])
    with pytest.raises(EventConflict) as raised:
        ingest_event(wired.ingestor, row("e1", text="other words"))
    [item] = raised.value.items
    assert (item.stored["text"], item.received["text"]) == (None, "other words")
    assert item.stored["occurred_at"] == "2026-02-10T08:00:00Z"
    with wired.storage(read_only=True) as work:
        assert [q.field for q in work.quarantine.list_()] == ["event_id"]
        assert work.events.by_ids(["e1"])["e1"].event.text is None


def test_an_invalid_single_event_is_quarantined_and_refused() -> None:
    wired = Wired()
    with pytest.raises(InvalidInput, match="type"):
        ingest_event(wired.ingestor, row("e1", "teleported"))
    with wired.storage(read_only=True) as work:
        assert (work.events.count(), work.quarantine.count()) == (0, 1)


def test_events_grants_and_outbox_commit_together_or_not_at_all() -> None:
    wired = Wired()
    wired.storage.fail_commits = True
    with pytest.raises(ConnectionError):
        ingest_batch(wired.ingestor, enrolled_and_registered("c1"))
    wired.storage.fail_commits = False
    with wired.storage(read_only=True) as work:
        assert (work.events.count(), work.outbox.open_count()) == (0, 0)
        assert work.grants.list_() == []
        assert work.states.get(wired.program.id, "c1") is None


def test_a_batch_beyond_the_limit_is_refused_whole() -> None:
    wired = Wired()
    small = Ingestor(uow=wired.storage, program=wired.program, clock=wired.clock, limits=Limits(2))
    with pytest.raises(InvalidInput, match="at most 2"):
        ingest_batch(small, [row("e1"), row("e2"), row("e3")])
    assert wired.storage.commits == 0
