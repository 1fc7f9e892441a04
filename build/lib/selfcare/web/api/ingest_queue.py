"""Single events that arrive together are stored together: one transaction, one commit.

Each commit costs a disk flush (PostgreSQL) or the single writer's turn (SQLite), so
under load a transaction per event limits throughput. While one write runs, newly
arrived events wait; the next write takes all of them (up to `max_group`) through the
same batch ingest. An event arriving at a quiet moment is written at once, alone, so
nothing waits for a timer. Every event still gets its own answer: stored, duplicate,
conflict (with both versions) or quarantined (with the reason).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from selfcare.bootstrap import App
from selfcare.ingest.rows import RowProblem
from selfcare.ingest.service import EventConflictItem, ingest_rows

MAX_GROUP = 200


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one event; `grants`/`held`: new grants of its customer this write
    made due (counted on the customer's last stored event of the write)."""

    status: str  # created | duplicate | conflict | quarantined
    conflict: EventConflictItem | None = None
    problem: RowProblem | None = None
    grants: int = 0
    held: int = 0


def ingest_group(app: App, events: list[dict[str, Any]]) -> list[Outcome]:
    """Store events in one transaction; one outcome per event, in order."""
    report = ingest_rows(
        app.ingestor, [(n, e) for n, e in enumerate(events, start=1)], source="api"
    )
    conflicts = {c.line: c for c in report.conflicts}
    problems = {p.line: p for p in report.quarantined}
    duplicates = set(report.duplicate_lines)
    outcomes = []
    for line in range(1, len(events) + 1):
        if line in conflicts:
            outcomes.append(Outcome("conflict", conflict=conflicts[line]))
        elif line in problems:
            outcomes.append(Outcome("quarantined", problem=problems[line]))
        else:
            outcomes.append(Outcome("duplicate" if line in duplicates else "created"))
    if report.grants:
        _attribute_grants(app, events, outcomes, set(report.grants), set(report.held))
    return outcomes


def _attribute_grants(
    app: App,
    events: list[dict[str, Any]],
    outcomes: list[Outcome],
    grant_ids: set[str],
    held: set[str],
) -> None:
    with app.uow(read_only=True) as work:
        rows = work.grants.by_ids(sorted(grant_ids))
    per_customer: dict[str, list[str]] = defaultdict(list)
    for grant in rows.values():
        per_customer[grant.customer_id].append(grant.id)
    last_created = {
        str(event.get("customer_id", "")).strip(): index
        for index, (event, outcome) in enumerate(zip(events, outcomes, strict=True))
        if outcome.status == "created"
    }
    for customer, ids in per_customer.items():
        index = last_created.get(customer)
        if index is not None:
            outcome = outcomes[index]
            outcomes[index] = Outcome(
                outcome.status, grants=len(ids), held=len(held.intersection(ids))
            )


@dataclass
class IngestQueue:
    """Gathers single events while a write runs and writes them as one group after it."""

    write: Callable[[list[dict[str, Any]]], Awaitable[list[Outcome]]]
    max_group: int = MAX_GROUP
    _pending: list[tuple[dict[str, Any], asyncio.Future[Outcome]]] = field(default_factory=list)
    _drain: asyncio.Task[None] | None = None

    async def submit(self, event: dict[str, Any]) -> Outcome:
        """The outcome of one event, written alone or with those that arrived with it."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
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
