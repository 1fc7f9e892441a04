"""One customer as the operator looks them up: progress, and the timeline the customer sees
(every event in order, each contact with its verdict and reason, every grant with its status).

The same entries as `GET /api/v1/customers/{id}/timeline`, so the operator at the command
line and the customer in the app read one story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from selfcare.customers.projection import get_progress
from selfcare.customers.queries import customer_events, grant_json
from selfcare.domain.calendar import local_date
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress
from selfcare.grants.ledger import GrantRecord, customer_grants
from selfcare.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class CustomerView:
    """A customer's progress as of a day and their timeline."""

    progress: CustomerProgress
    entries: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """One row of `customers list`."""

    customer_id: str
    earned_mb: int
    streak: str
    counted_calls: int


def customer_view(
    *, uow: Callable[..., UnitOfWork], program: Program, customer_id: str, as_of: date
) -> CustomerView:
    """Progress and timeline; UnknownCustomer when nothing is stored for the id."""
    progress = get_progress(uow=uow, program=program, customer_id=customer_id, as_of=as_of)
    events = customer_events(uow=uow, customer_id=customer_id)
    grants = customer_grants(uow=uow, customer_id=customer_id)
    return CustomerView(progress, timeline_entries(program, progress, events, grants))


def timeline_entries(
    program: Program,
    progress: CustomerProgress,
    events: list[Event],
    grants: list[GrantRecord],
) -> list[dict[str, Any]]:
    """Events and grants in the order they happened; a grant at the end of its due day."""
    zone = program.zone
    calls = {c.event_id: c.model_dump(mode="json") for c in progress.calls}
    entries: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for event in events:
        entry = {
            "kind": "event",
            "day": local_date(event.occurred_at, zone).isoformat(),
            "at": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "event_id": event.event_id,
            "type": event.type.value,
            "call": calls.get(event.event_id),
        }
        entries.append(((event.occurred_at, 0, event.event_id), entry))
    for grant in grants:
        moment = datetime.combine(grant.granted_on, time.max, tzinfo=zone)
        entry = {"kind": "grant", "day": grant.granted_on.isoformat(), "grant": grant_json(grant)}
        entries.append(((moment, 1, grant.grant_id), entry))
    return [entry for _, entry in sorted(entries, key=lambda item: item[0])]


def customer_summaries(
    *, uow: Callable[..., UnitOfWork], program: Program, as_of: date, limit: int
) -> list[CustomerSummary]:
    """The first `limit` customers by id with MB earned, streak status and counted calls."""
    with uow(read_only=True) as work:
        ids = work.states.customers(program.id)[:limit]
    summaries = []
    for customer_id in ids:
        progress = get_progress(uow=uow, program=program, customer_id=customer_id, as_of=as_of)
        streak = progress.streak
        summaries.append(
            CustomerSummary(
                customer_id=customer_id,
                earned_mb=progress.earned_mb,
                streak=streak.status.value if streak else "-",
                counted_calls=sum(1 for c in progress.calls if c.counts),
            )
        )
    return summaries
