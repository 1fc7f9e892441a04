"""Single events that arrive together are stored together: one transaction, one commit.

Each commit costs a disk flush (PostgreSQL) or the single writer's turn (SQLite), so
under load a transaction per event limits throughput. While one write runs, newly
arrived events wait; the next write takes all of them (up to `max_group`) through the
same batch ingest. An event arriving at a quiet moment is written at once, alone, so
nothing waits for a timer. Every event still gets its own outcome (outcome.py): stored,
duplicate, conflict (with both versions) or quarantined (with the reason).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from selfcare.ingest.outcome import RowOutcome, RowStatus, row_outcomes
from selfcare.ingest.rows import rows_from_objects
from selfcare.ingest.service import Ingestor, ingest_rows

MAX_GROUP = 200
SOURCE = "api"

Event = Mapping[str, Any]


def ingest_group(ingestor: Ingestor, events: list[Event]) -> list[RowOutcome]:
    """Store events in one transaction; one outcome per event, in order."""
    rows = list(rows_from_objects(events, source=SOURCE))
    report = ingest_rows(ingestor, rows, source=SOURCE)
    outcomes = row_outcomes(rows, report)
    if report.grants:
        _attribute_grants(ingestor, events, outcomes, set(report.grants), set(report.held))
    return outcomes


def _attribute_grants(
    ingestor: Ingestor,
    events: list[Event],
    outcomes: list[RowOutcome],
    grant_ids: set[str],
    held: set[str],
) -> None:
    """Give each customer's new grants to the customer's last stored event of the group,
    so the grants are counted once, as they would be had that event come alone."""
    with ingestor.uow(read_only=True) as work:
        rows = work.grants.by_ids(sorted(grant_ids))
    per_customer: dict[str, list[str]] = defaultdict(list)
    for grant in rows.values():
        per_customer[grant.customer_id].append(grant.grant_id)
    last_stored = {
        str(event.get("customer_id", "")).strip(): index
        for index, (event, outcome) in enumerate(zip(events, outcomes, strict=True))
        if outcome.status is RowStatus.STORED
    }
    for customer, ids in per_customer.items():
        index = last_stored.get(customer)
        if index is not None:
            outcomes[index] = replace(
                outcomes[index], grants=len(ids), held=len(held.intersection(ids))
            )


@dataclass
class IngestQueue:
    """Gathers single events while a write runs and writes them as one group after it."""

    write: Callable[[list[Event]], Awaitable[list[RowOutcome]]]
    max_group: int = MAX_GROUP
    _pending: list[tuple[Event, asyncio.Future[RowOutcome]]] = field(default_factory=list)
    _drain: asyncio.Task[None] | None = None

    async def submit(self, event: Event) -> RowOutcome:
        """The outcome of one event, written alone or with those that arrived with it."""
        future: asyncio.Future[RowOutcome] = asyncio.get_running_loop().create_future()
        self._pending.append((event, future))
        if self._drain is None or self._drain.done():
            self._drain = asyncio.create_task(self._drain_pending())
        return await future

    async def _drain_pending(self) -> None:
        while self._pending:
            group = self._pending[: self.max_group]
            del self._pending[: self.max_group]
            try:
                outcomes = await self.write([event for event, _ in group])
            except Exception as exc:  # noqa: BLE001 (every waiting request gets the error)
                for _, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), outcome in zip(group, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
