"""Each customer's progress kept current as events arrive, instead of recomputed per request.

The stored state is the reference evaluator's own fold (`CustomerState`), so what a
customer sees always equals `evaluate` on the stored history. Next to it sits the last
projection and the last day it answers for: until then a lookup reads it as is; after it,
time alone changed something (a streak completed, a grant fell due) and the settle job
re-projects it and writes the grants that became due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from selfcare.domain.calendar import local_date
from selfcare.domain.evaluator import CustomerState, project, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.program import Program
from selfcare.domain.progress import CustomerProgress, Grant
from selfcare.errors import UnknownCustomer
from selfcare.grants.ledger import Recorded, record_grants
from selfcare.store.tables import CustomerStateRow
from selfcare.store.unit_of_work import UnitOfWork


def empty_state(customer_id: str) -> str:
    return CustomerState(customer_id=customer_id).model_dump_json()


def parse_state(text: str) -> CustomerState:
    return CustomerState.model_validate_json(text)


def valid_through(
    program: Program, state: CustomerState, progress: CustomerProgress, as_of: date
) -> date | None:
    """The last day `progress` stays the answer without new events (None: for good).

    Progress changes with time only on a day the projection names (a pending grant's due
    day, a window's start or completion) or when an event becomes known.
    """
    days = [p.due_on for p in progress.pending if p.due_on is not None]
    for streak in progress.streaks:
        days.extend(d for d in (streak.window_start, streak.completes_on) if d is not None)
    days.extend(local_date(e.known_at, program.zone) for e in state.events)
    future = [d for d in days if d > as_of]
    return min(future) - timedelta(days=1) if future else None


def snapshot_values(
    program: Program, state: CustomerState, progress: CustomerProgress, as_of: date
) -> dict[str, object]:
    return {
        "progress": progress.model_dump_json(),
        "progress_as_of": as_of,
        "valid_through": valid_through(program, state, progress, as_of),
    }


@dataclass(frozen=True, slots=True)
class Folded:
    """What folding a batch into the stored states did."""

    customers: int
    recorded: Recorded


def fold_events(
    uow: UnitOfWork, *, program: Program, events: Iterable[Event], today: date, now: datetime
) -> Folded:
    """Fold newly stored events into their customers' states, in the caller's transaction,
    and write every grant that is due by `today` to the ledger."""
    by_customer: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_customer[event.customer_id].append(event)
    if not by_customer:
        return Folded(0, Recorded())
    stored, created = uow.states.lock(program.id, list(by_customer), empty_state, now)
    history = _older_history(uow, created, by_customer)
    states = {}
    for customer_id, new in by_customer.items():
        if customer_id in history:
            states[customer_id] = state_from_events(customer_id, history[customer_id])
        else:
            known = () if customer_id in created else parse_state(stored[customer_id]).events
            states[customer_id] = state_from_events(customer_id, [*known, *new])
    recorded = _refresh(uow, program, states, today=today, now=now)
    return Folded(len(by_customer), recorded)


def _older_history(
    uow: UnitOfWork, created: set[str], by_customer: dict[str, list[Event]]
) -> dict[str, list[Event]]:
    """Whole histories of customers new to this program's state who had events before
    (stored under another program, or before states were kept); usually none."""
    if not created:
        return {}
    counts = uow.events.counts(sorted(created))
    older = sorted(c for c in created if counts.get(c, 0) > len(by_customer[c]))
    return uow.events.for_customers(older) if older else {}


def _refresh(
    uow: UnitOfWork,
    program: Program,
    states: dict[str, CustomerState],
    *,
    today: date,
    now: datetime,
) -> Recorded:
    """Project the states as of today, store them with their snapshot, record due grants."""
    due: list[tuple[str, Grant]] = []
    rows = []
    for customer_id in sorted(states):
        state = states[customer_id]
        progress = project(program, state, today)
        rows.append(
            {
                "program_id": program.id,
                "customer_id": customer_id,
                "state": state.model_dump_json(),
                "event_count": len(state.events),
                "updated_at": now,
                **snapshot_values(program, state, progress, today),
            }
        )
        due.extend((customer_id, grant) for grant in progress.grants)
    uow.states.save(rows)
    return record_grants(uow, program=program, due=due, now=now)


def settle(
    *,
    uow: Callable[..., UnitOfWork],
    program: Program,
    today: date,
    clock: Callable[[], datetime],
    batch: int = 500,
) -> Recorded:
    """Re-project customers whose snapshot has run out and record the grants now due.

    Grants fall due with time (a streak completes, settlement passes) without any event;
    the relay loop calls this regularly, and it is safe to run in several processes.
    """
    new: list[str] = []
    held: list[str] = []
    while True:
        with uow() as work:
            stale = work.states.stale(program.id, today, limit=batch)
            if not stale:
                return Recorded(tuple(new), tuple(held))
            stored, _ = work.states.lock(program.id, stale, empty_state, clock())
            states = {c: parse_state(text) for c, text in stored.items()}
            recorded = _refresh(work, program, states, today=today, now=clock())
            work.commit()
        new.extend(recorded.new)
        held.extend(recorded.held)


def get_progress(
    *, uow: Callable[..., UnitOfWork], program: Program, customer_id: str, as_of: date
) -> CustomerProgress:
    """One customer's progress as of a day: the stored snapshot while it holds, otherwise a
    projection of the stored state (then kept as the new snapshot)."""
    with uow(read_only=True) as work:
        row = work.states.get(program.id, customer_id)
        if row is None:
            return _from_history(work, program, customer_id, as_of)
        if snapshot_answers(row, as_of):
            assert row.progress is not None  # noqa: S101  (checked by snapshot_answers)
            return CustomerProgress.model_validate_json(row.progress)
        state, count, as_of_before = parse_state(row.state), row.event_count, row.progress_as_of
    progress = project(program, state, as_of)
    if as_of_before is None or as_of >= as_of_before:
        with uow() as work:
            work.states.save_snapshot(
                program.id,
                customer_id,
                event_count=count,
                values=snapshot_values(program, state, progress, as_of),
            )
            work.commit()
    return progress


def _from_history(
    work: UnitOfWork, program: Program, customer_id: str, as_of: date
) -> CustomerProgress:
    """A customer with events but no state under this program yet (the program was just
    switched): answer from the stored history; `catch_up` stores the state."""
    history = work.events.for_customers([customer_id])[customer_id]
    if not history:
        raise UnknownCustomer(f"customer {customer_id!r}: no events stored")
    return project(program, state_from_events(customer_id, history), as_of)


def catch_up(
    *,
    uow: Callable[..., UnitOfWork],
    program: Program,
    today: date,
    clock: Callable[[], datetime],
    batch: int = 500,
) -> int:
    """Build the states of customers whose events were stored before this program's states
    were kept, and record their due grants; the number of customers caught up."""
    done = 0
    while True:
        with uow() as work:
            missing = work.states.without_state(program.id, limit=batch)
            if not missing:
                return done
            work.states.lock(program.id, missing, empty_state, clock())  # then read: no gap
            history = work.events.for_customers(missing)
            states = {c: state_from_events(c, events) for c, events in history.items()}
            _refresh(work, program, states, today=today, now=clock())
            work.commit()
        done += len(missing)


def snapshot_answers(row: CustomerStateRow, as_of: date) -> bool:
    """Whether a customer's stored snapshot is the answer for `as_of` as it stands."""
    if row.progress is None or row.progress_as_of is None or as_of < row.progress_as_of:
        return False
    return row.valid_through is None or as_of <= row.valid_through
