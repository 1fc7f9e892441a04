"""Repositories for events, quarantine and customer state: the only doors to those tables.

Inserts that may race with another process use `INSERT … ON CONFLICT DO NOTHING` so the
database, not a prior read, decides who was first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Row,
    Select,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from selfcare.domain.events import Event
from selfcare.domain.records import (
    CustomerStateRecord,
    QuarantinedRow,
    Snapshot,
    StoredEvent,
    StoredProgress,
)
from selfcare.store.bulk_insert import append, insert_new, insert_new_copied, update_by_key
from selfcare.store.tables import Base, CustomerCallRow, CustomerStateRow, EventRow, QuarantineRow

CHUNK = 1000  # ids per IN (...) list: below every backend's parameter limit


def table_of(row: type[Base]) -> Table:
    """The Core table of a mapped row class (typed, for Core inserts)."""
    return cast("Table", row.__table__)


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def event_values(stored: StoredEvent) -> dict[str, Any]:
    """The `events` row of a stored event (the one conversion into the table)."""
    event = stored.event
    return {
        "event_id": event.event_id,
        "customer_id": event.customer_id,
        "type": event.type.value,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "recorded_at_sent": stored.recorded_at_sent,
        "reason_code": event.reason_code,
        "text": event.text,
        "direction": event.direction.value,
        "reached_agent": event.reached_agent,
        "fingerprint": stored.fingerprint,
        "source": stored.source[:200],
        "received_at": stored.received_at,
    }


def stored_event(row: EventRow) -> StoredEvent:
    """A stored event with its idempotency facts (the one conversion out of the table)."""
    return StoredEvent(
        event=event_from_row(row),
        fingerprint=row.fingerprint,
        recorded_at_sent=row.recorded_at_sent,
        source=row.source,
        received_at=row.received_at,
    )


def event_from_row(row: EventRow) -> Event:
    """The domain event as the evaluator sees it (recorded_at filled in at ingest)."""
    return Event(
        event_id=row.event_id,
        customer_id=row.customer_id,
        type=row.type,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        reason_code=row.reason_code,
        text=row.text,
        direction=row.direction,
        reached_agent=row.reached_agent,
    )


EVENT_PAGE = 2_000  # events per page when a whole history is read


def pages_by_event_id(
    session: Session,
    query: Select[Any],
    event_id: Callable[[Row[Any]], str],
    size: int = EVENT_PAGE,
) -> Iterator[list[Row[Any]]]:
    """The rows of an events query page by page, keyed on the event id (the primary key):
    read-only units run without a transaction on PostgreSQL, where a server-side cursor
    (`yield_per`) cannot be declared, and no page holds a long transaction open."""
    ordered = query.order_by(EventRow.event_id).limit(size)
    last: str | None = None
    while True:
        page = ordered if last is None else ordered.where(EventRow.event_id > last)
        rows = list(session.execute(page))
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = event_id(rows[-1])


class SqlEventRepository:
    """Accepted events, keyed by event_id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def insert_new(self, events: Sequence[StoredEvent]) -> set[str]:
        """Insert events whose event_id is not stored yet; return the ids actually inserted."""
        rows = [event_values(e) for e in events]
        return insert_new_copied(self.session, table_of(EventRow), rows, "event_id")

    def by_ids(self, event_ids: Iterable[str]) -> dict[str, StoredEvent]:
        ids = sorted(set(event_ids))
        found: dict[str, StoredEvent] = {}
        for part in chunks(ids):
            for row in self.session.scalars(select(EventRow).where(EventRow.event_id.in_(part))):
                found[row.event_id] = stored_event(row)
        return found

    def for_customers(self, customer_ids: Sequence[str]) -> dict[str, list[Event]]:
        """Every stored event of these customers, as domain events."""
        grouped: dict[str, list[Event]] = {c: [] for c in customer_ids}
        for part in chunks(sorted(customer_ids)):
            query = select(EventRow).where(EventRow.customer_id.in_(part))
            for row in self.session.scalars(query):
                grouped[row.customer_id].append(event_from_row(row))
        return grouped

    def counts(self, customer_ids: Sequence[str]) -> dict[str, int]:
        """How many events each of these customers has stored (absent: none)."""
        found: dict[str, int] = {}
        for part in chunks(sorted(customer_ids)):
            query = (
                select(EventRow.customer_id, func.count())
                .where(EventRow.customer_id.in_(part))
                .group_by(EventRow.customer_id)
            )
            found.update((c, int(n)) for c, n in self.session.execute(query))
        return found

    def all(self) -> Iterator[Event]:
        """The whole stored history (reference evaluation, reconciliation, tests)."""
        for rows in pages_by_event_id(self.session, select(EventRow), lambda row: row[0].event_id):
            yield from (event_from_row(row[0]) for row in rows)

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(EventRow)) or 0


class SqlQuarantineRepository:
    """Rows that were not accepted, with the reason; kept for the operator to fix and resend."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_many(self, rows: Sequence[QuarantinedRow]) -> None:
        values = [r.model_dump(exclude={"id"}) for r in rows]
        append(self.session, table_of(QuarantineRow), values)

    def list_(self, *, limit: int = 100, offset: int = 0) -> list[QuarantinedRow]:
        query = select(QuarantineRow).order_by(QuarantineRow.id).limit(limit).offset(offset)
        return [QuarantinedRow.model_validate(r) for r in self.session.scalars(query)]

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(QuarantineRow)) or 0

    def get(self, row_id: int) -> QuarantinedRow | None:
        row = self.session.get(QuarantineRow, row_id)
        return None if row is None else QuarantinedRow.model_validate(row)

    def by_ids(self, row_ids: Sequence[int]) -> list[QuarantinedRow]:
        query = select(QuarantineRow).where(QuarantineRow.id.in_(row_ids))
        rows = self.session.scalars(query.order_by(QuarantineRow.id))
        return [QuarantinedRow.model_validate(r) for r in rows]

    def delete(self, row_ids: Sequence[int]) -> None:
        """Remove rows that were sent again (ingest stored them or quarantined them anew)."""
        self.session.execute(delete(QuarantineRow).where(QuarantineRow.id.in_(row_ids)))


_STATE_COLUMNS = "s.progress, s.progress_as_of, s.valid_through, s.event_count"
_PG_FROZEN = (
    "(SELECT array_agg(c.result ORDER BY c.seq) FROM customer_call c"
    " WHERE c.program_id = s.program_id AND c.customer_id = s.customer_id)"
)
_PG_WHERE = (
    " FROM customer_state s WHERE s.program_id = %(program_id)s AND s.customer_id = %(customer_id)s"
)
_PG_READ = f"SELECT {_STATE_COLUMNS}, NULL, {_PG_FROZEN}{_PG_WHERE}"
_PG_READ_WITH_STATE = f"SELECT {_STATE_COLUMNS}, s.state, {_PG_FROZEN}{_PG_WHERE}"
_SQLITE_WHERE = (
    " FROM customer_state s WHERE s.program_id = :program_id AND s.customer_id = :customer_id"
)
_SQLITE_READ = f"SELECT {_STATE_COLUMNS}, NULL{_SQLITE_WHERE}"
_SQLITE_READ_WITH_STATE = f"SELECT {_STATE_COLUMNS}, s.state{_SQLITE_WHERE}"
_SQLITE_CALLS = (
    "SELECT result FROM customer_call WHERE program_id = :program_id"
    " AND customer_id = :customer_id ORDER BY seq"
)


class SqlStateRepository:
    """Per-customer fold state and progress snapshot, one row per (program, customer)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(
        self,
        program_id: str,
        customer_ids: Sequence[str],
        empty_state: Callable[[str], str],
        now: datetime,
    ) -> tuple[dict[str, str], set[str]]:
        """The stored states (JSON) of these customers, locked for update; created when
        missing (those come back in the second set, with the empty state).

        Locks are taken in id order, so two transactions never deadlock on them.
        """
        ids = sorted(set(customer_ids))
        values: list[dict[str, Any]] = [
            {
                "program_id": program_id,
                "customer_id": c,
                "state": empty_state(c),
                "event_count": 0,
                "updated_at": now,
            }
            for c in ids
        ]
        created = insert_new(self.session, table_of(CustomerStateRow), values, "customer_id")
        states = {c: empty_state(c) for c in ids if c in created}
        existing = [c for c in ids if c not in created]
        if existing and self.session.get_bind().dialect.name == "postgresql":
            states.update(self._lock_by_key(program_id, existing))
            return states, created
        for part in chunks(existing):
            query = (
                select(CustomerStateRow.customer_id, CustomerStateRow.state)
                .where(CustomerStateRow.program_id == program_id)
                .where(CustomerStateRow.customer_id.in_(part))
                .order_by(CustomerStateRow.customer_id)
                .with_for_update()
            )
            states.update((c, state) for c, state in self.session.execute(query))
        return states, created

    def _lock_by_key(self, program_id: str, customer_ids: list[str]) -> dict[str, str]:
        """PostgreSQL: one primary-key lookup per customer, locked in the given (id) order.

        `customer_id IN (…)` let the planner scan every state of the program through the
        other index when the table's statistics lag behind a large load (a fresh database,
        a big import): each batch then read the whole table. A lookup on the full key is
        the same plan whatever the statistics say.
        """
        wanted = (
            func.unnest(bindparam("ids", customer_ids, type_=ARRAY(String)))
            .table_valued("customer_id", with_ordinality="n")
            .render_derived(name="wanted")
        )
        state = table_of(CustomerStateRow)
        locked = (
            select(state.c.customer_id, state.c.state)
            .where(state.c.program_id == program_id)
            .where(state.c.customer_id == wanted.c.customer_id)
            .with_for_update()
            .lateral("locked")
        )
        query = (
            select(locked.c.customer_id, locked.c.state)
            .select_from(wanted)
            .join(locked, true())
            .order_by(wanted.c.n)
        )
        return {row.customer_id: row.state for row in self.session.execute(query)}

    def save(self, states: Sequence[CustomerStateRecord]) -> None:
        """Write states and snapshots of customers locked in this transaction."""
        rows = [s.model_dump() for s in states]
        update_by_key(self.session, table_of(CustomerStateRow), rows, ("program_id", "customer_id"))

    def get(self, program_id: str, customer_id: str) -> CustomerStateRecord | None:
        row = self.session.get(CustomerStateRow, (program_id, customer_id))
        return None if row is None else CustomerStateRecord.model_validate(row)

    def append_calls(self, program_id: str, rows: Sequence[tuple[str, int, str]]) -> None:
        """Append frozen verdicts: (customer, position in the customer's list, JSON)."""
        values = [
            {"program_id": program_id, "customer_id": c, "seq": n, "result": r} for c, n, r in rows
        ]
        append(self.session, table_of(CustomerCallRow), values)

    def drop_calls(self, program_id: str, customer_ids: Sequence[str]) -> None:
        """Forget these customers' frozen verdicts (their checkpoint is being rebuilt)."""
        for part in chunks(customer_ids):
            self.session.execute(
                delete(CustomerCallRow)
                .where(CustomerCallRow.program_id == program_id)
                .where(CustomerCallRow.customer_id.in_(part))
            )

    def read(
        self, program_id: str, customer_id: str, *, with_state: bool = False
    ) -> StoredProgress | None:
        """The snapshot with the frozen verdicts (and the checkpoint if asked).

        The lookup's hot path, so plain SQL handed to the driver (no statement built,
        keyed and compiled per call), and only the columns asked for: a lookup never reads
        the checkpoint. PostgreSQL reads run outside a transaction, so snapshot and frozen
        verdicts come in one statement (one moment, one round trip); a SQLite read
        transaction sees one moment for both statements.
        """
        connection = self.session.connection()
        params = {"program_id": program_id, "customer_id": customer_id}
        if connection.dialect.name == "postgresql":
            sql = _PG_READ_WITH_STATE if with_state else _PG_READ
            row = connection.exec_driver_sql(sql, params).first()
            if row is None:
                return None
            calls = tuple(row[5] or ())
        else:
            sql = _SQLITE_READ_WITH_STATE if with_state else _SQLITE_READ
            row = connection.exec_driver_sql(sql, params).first()
            if row is None:
                return None
            found = connection.exec_driver_sql(_SQLITE_CALLS, params)
            calls = tuple(result for (result,) in found)
        return StoredProgress(
            progress=row[0],
            progress_as_of=row[1],
            valid_through=row[2],
            event_count=row[3],
            state=row[4],
            calls=calls,
        )

    def calls(self, program_id: str, customer_id: str) -> list[str]:
        """One customer's frozen verdicts (JSON), in order."""
        query = (
            select(CustomerCallRow.result)
            .where(CustomerCallRow.program_id == program_id)
            .where(CustomerCallRow.customer_id == customer_id)
            .order_by(CustomerCallRow.seq)
        )
        return list(self.session.scalars(query))

    def customers(self, program_id: str) -> list[str]:
        """Every customer with state under the program, by id (`selfcare customers list`)."""
        query = select(CustomerStateRow.customer_id).where(
            CustomerStateRow.program_id == program_id
        )
        return sorted(self.session.scalars(query))

    def without_state(self, program_id: str, *, limit: int) -> list[str]:
        """Customers with stored events but no state under this program."""
        has_state = (
            select(CustomerStateRow.customer_id)
            .where(CustomerStateRow.program_id == program_id)
            .where(CustomerStateRow.customer_id == EventRow.customer_id)
            .exists()
        )
        query = (
            select(EventRow.customer_id)
            .where(~has_state)
            .group_by(EventRow.customer_id)
            .order_by(EventRow.customer_id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def stale(self, program_id: str, as_of: date, *, limit: int) -> list[str]:
        """Customers whose snapshot no longer answers for `as_of` (something fell due)."""
        query = (
            select(CustomerStateRow.customer_id)
            .where(CustomerStateRow.program_id == program_id)
            .where(CustomerStateRow.valid_through < as_of)
            .order_by(CustomerStateRow.customer_id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def save_snapshot(
        self, program_id: str, customer_id: str, *, event_count: int, snapshot: Snapshot
    ) -> None:
        """Refresh a snapshot after a read-time projection, unless the state moved on.

        No lock: the update only lands if no event was folded in since the read and no
        projection for a later day was stored meanwhile.
        """
        self.session.execute(
            update(CustomerStateRow)
            .where(CustomerStateRow.program_id == program_id)
            .where(CustomerStateRow.customer_id == customer_id)
            .where(CustomerStateRow.event_count == event_count)
            .where(
                (CustomerStateRow.progress_as_of.is_(None))
                | (CustomerStateRow.progress_as_of <= snapshot.progress_as_of)
            )
            .values(**snapshot.model_dump())
        )
