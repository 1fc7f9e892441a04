"""Each customer's progress kept current as events arrive, instead of recomputed per request.

The stored state is an incremental checkpoint of the reference evaluator's fold
(`selfcare.domain.incremental`): new events that come after everything folded so far are
folded onto it, and the projection is the reference `project` resumed from it, so what a
customer sees always equals `evaluate` on the stored history. An event landing before the
customer's latest one rebuilds the checkpoint from the stored history. Contacts whose
verdict can no longer change leave the checkpoint for the customer's verdict list, which
is appended to, never rewritten, so the state a new event reads and writes stays small.

Next to the checkpoint sits the last projection (without the frozen verdicts) and the last
day it answers for: until then a lookup reads it as is; after it, time alone changed
something (a streak completed, a grant fell due) and the settle job projects it again and
writes the grants that became due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from selfcare.domain.calendar import local_date
from selfcare.domain.evaluator import CustomerState, project, project_carried, state_from_events
from selfcare.domain.events import Event
from selfcare.domain.incremental import (
    Advanced,
    Checkpoint,
    advance,
    appendable,
    rebuild,
    with_frozen,
)
from selfcare.domain.program import Program
from selfcare.domain.progress import CallResult, CustomerProgress, Grant
from selfcare.domain.records import CustomerStateRecord, Snapshot
from selfcare.errors import UnknownCustomer
from selfcare.grants.ledger import Recorded, record_grants
from selfcare.store.ports import UnitOfWork


def empty_state(customer_id: str) -> str:
    return Checkpoint(customer_id=customer_id).model_dump_json()


def parse_state(text: str) -> Checkpoint:
    return Checkpoint.model_validate_json(text)


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


def snapshot(
    program: Program, state: CustomerState, progress: CustomerProgress, as_of: date
) -> Snapshot:
    """The projection as stored, with the last day it answers for."""
    return Snapshot(
        progress=progress.model_dump_json(),
        progress_as_of=as_of,
        valid_through=valid_through(program, state, progress, as_of),
    )


@dataclass(frozen=True, slots=True)
class Folded:
    """What folding a batch into the stored states did."""

    customers: int
    recorded: Recorded


def fold_events(
    uow: UnitOfWork, *, program: Program, events: Iterable[Event], today: date, now: datetime
) -> Folded:
    """Fold newly stored events into their customers' states, in the caller's transaction,
    and write every grant that is due by `today` to the ledger.

    A customer's new events that all come after what was folded are folded onto the stored
    checkpoint; otherwise (or for a customer new to this program's states who has older
    events) the checkpoint is rebuilt from the stored history, new events included.
    """
    by_customer: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_customer[event.customer_id].append(event)
    if not by_customer:
        return Folded(0, Recorded())
    stored, created = uow.states.lock(program.id, list(by_customer), empty_state, now)
    rebuilt = _older_customers(uow, created, by_customer)
    folded: dict[str, Advanced] = {}
    for customer_id, new in by_customer.items():
        if customer_id in rebuilt:
            continue
        checkpoint = (
            Checkpoint(customer_id=customer_id)
            if customer_id in created
            else parse_state(stored[customer_id])
        )
        if appendable(checkpoint, new, today, program):
            folded[customer_id] = advance(program, checkpoint, new, today)
        else:
            rebuilt.append(customer_id)
    folded.update(_rebuilt(uow, program, rebuilt, today))
    recorded = _refresh(uow, program, folded, rebuilt=set(rebuilt), today=today, now=now)
    return Folded(len(by_customer), recorded)


def _older_customers(
    uow: UnitOfWork, created: set[str], by_customer: dict[str, list[Event]]
) -> list[str]:
    """Customers new to this program's state who had events before (stored under another
    program, or before states were kept); usually none."""
    if not created:
        return []
    counts = uow.events.counts(sorted(created))
    return sorted(c for c in created if counts.get(c, 0) > len(by_customer[c]))


def _rebuilt(
    uow: UnitOfWork, program: Program, customer_ids: list[str], today: date
) -> dict[str, Advanced]:
    """Checkpoints built again from the stored histories (the fallback)."""
    if not customer_ids:
        return {}
    history = uow.events.for_customers(sorted(customer_ids))
    return {c: rebuild(program, c, history.get(c, []), today) for c in customer_ids}


def _refresh(
    uow: UnitOfWork,
    program: Program,
    folded: dict[str, Advanced],
    *,
    rebuilt: set[str],
    today: date,
    now: datetime,
) -> Recorded:
    """Store the checkpoints with their snapshot, append the verdicts that became final
    (a rebuilt customer's list is written anew), and record the grants due."""
    due: list[tuple[str, Grant]] = []
    records = []
    appended: list[tuple[str, int, str]] = []
    for customer_id in sorted(folded):
        result = folded[customer_id]
        checkpoint, progress = result.checkpoint, result.progress
        records.append(
            CustomerStateRecord(
                program_id=program.id,
                customer_id=customer_id,
                state=checkpoint.model_dump_json(),
                event_count=checkpoint.count,
                updated_at=now,
                **snapshot(program, checkpoint.live_state(), progress, today).model_dump(),
            )
        )
        first = checkpoint.frozen_calls - len(result.frozen)
        appended.extend(
            (customer_id, first + n, call.model_dump_json()) for n, call in enumerate(result.frozen)
        )
        due.extend((customer_id, grant) for grant in progress.grants)
    if rebuilt:
        uow.states.drop_calls(program.id, sorted(rebuilt))
    uow.states.append_calls(program.id, appended)
    uow.states.save(records)
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
            folded, again = {}, []
            for customer_id, text in stored.items():
                checkpoint = parse_state(text)
                if appendable(checkpoint, (), today, program):
                    folded[customer_id] = advance(program, checkpoint, (), today)
                else:
                    again.append(customer_id)
            folded.update(_rebuilt(work, program, again, today))
            recorded = _refresh(work, program, folded, rebuilt=set(again), today=today, now=clock())
            work.commit()
        new.extend(recorded.new)
        held.extend(recorded.held)


def get_progress(
    *, uow: Callable[..., UnitOfWork], program: Program, customer_id: str, as_of: date
) -> CustomerProgress:
    """One customer's progress as of a day: the stored snapshot while it holds, otherwise a
    projection of the stored checkpoint (then kept as the new snapshot), or of the whole
    history for a day before the checkpoint's events were all known."""
    with uow(read_only=True) as work:
        row = work.states.read(program.id, customer_id, with_state=True)
        if row is None:
            return _from_history(work, program, customer_id, as_of)
        frozen = [CallResult.model_validate_json(t) for t in row.calls]
        if row.answers(as_of):
            assert row.progress is not None  # noqa: S101  (checked by answers)
            return with_frozen(CustomerProgress.model_validate_json(row.progress), frozen)
        assert row.state is not None  # noqa: S101  (asked for)
        checkpoint, as_of_before = parse_state(row.state), row.progress_as_of
        if not appendable(checkpoint, (), as_of, program):
            return _from_history(work, program, customer_id, as_of)
    state = checkpoint.live_state()
    projected, _ = project_carried(program, state, as_of, checkpoint.walks, None)
    live = with_frozen(projected, checkpoint.held)  # the snapshot keeps the held verdicts
    if as_of_before is None or as_of >= as_of_before:
        with uow() as work:
            work.states.save_snapshot(
                program.id,
                customer_id,
                event_count=checkpoint.count,
                snapshot=snapshot(program, state, live, as_of),
            )
            work.commit()
    return with_frozen(live, frozen)


def _from_history(
    work: UnitOfWork, program: Program, customer_id: str, as_of: date
) -> CustomerProgress:
    """From the stored history: a customer with events but no state under this program yet
    (the program was just switched; `catch_up` stores the state), or a day before the
    checkpoint's events were all known."""
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
            folded = _rebuilt(work, program, missing, today)
            _refresh(work, program, folded, rebuilt=set(missing), today=today, now=clock())
            work.commit()
        done += len(missing)
