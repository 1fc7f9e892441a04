"""An in-memory unit of work for unit tests: the storage ports of `selfcare.store.ports`.

Each unit of work works on a private copy of the tables and publishes it on `commit()`, so
whatever is not committed is gone, as on a database. The fake repositories keep the same
guarantees the services rely on: an event id is stored once, a grant once per (customer,
reward, period), and a reservation never takes a budget beyond its limit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Self

from selfcare.domain.events import Event
from selfcare.domain.ledger import (
    TOTAL,
    Backlog,
    Budget,
    Claim,
    GrantAudit,
    GrantRecord,
    GrantStatus,
)
from selfcare.domain.operators import (
    AuditEntry,
    OperatorRecord,
    OperatorSessionRecord,
    ProgramVersionRecord,
)
from selfcare.domain.pilot_records import (
    AnalysisRecord,
    AssignmentRecord,
    InvitationRecord,
    PilotCounts,
)
from selfcare.domain.records import (
    LOGIN_LINK,
    ApiKeyRecord,
    CustomerSessionRecord,
    CustomerStateRecord,
    CustomerTokenRecord,
    QuarantinedRow,
    Snapshot,
    StoredContract,
    StoredEvent,
    StoredProgress,
)
from selfcare.domain.speedcheck.models import Contract, Measurement
from selfcare.errors import StorageUnavailable
from selfcare.store.ports import UnitOfWorkFactory


@dataclass
class OutboxEntry:
    """A top-up still to be sent (the fake's outbox row)."""

    id: int
    grant_id: str
    available_at: datetime
    created_at: datetime
    attempts: int = 0
    claimed_by: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass
class Tables:
    """Everything the fake stores; copied per unit of work."""

    events: dict[str, StoredEvent] = field(default_factory=dict)
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    states: dict[tuple[str, str], CustomerStateRecord] = field(default_factory=dict)
    calls: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    grants: dict[str, GrantRecord] = field(default_factory=dict)
    outbox: dict[int, OutboxEntry] = field(default_factory=dict)
    budgets: dict[str, Budget] = field(default_factory=dict)
    spend: dict[tuple[str, str], int] = field(default_factory=dict)
    keys: dict[str, ApiKeyRecord] = field(default_factory=dict)
    tokens: dict[str, CustomerTokenRecord] = field(default_factory=dict)
    sessions: dict[str, CustomerSessionRecord] = field(default_factory=dict)
    measurements: list[tuple[str, Measurement]] = field(default_factory=list)
    contracts: dict[str, StoredContract] = field(default_factory=dict)
    audit: list[GrantAudit] = field(default_factory=list)
    operators: dict[str, OperatorRecord] = field(default_factory=dict)
    operator_sessions: dict[str, OperatorSessionRecord] = field(default_factory=dict)
    operator_audit: list[AuditEntry] = field(default_factory=list)
    program_versions: list[ProgramVersionRecord] = field(default_factory=list)
    assignments: dict[tuple[str, str], AssignmentRecord] = field(default_factory=dict)
    invitations: dict[str, InvitationRecord] = field(default_factory=dict)
    analyses: list[AnalysisRecord] = field(default_factory=list)
    last_id: int = 0

    def new_id(self) -> int:
        """The next id of an outbox or quarantine row (like a sequence)."""
        self.last_id += 1
        return self.last_id


class _Repository:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

    @property
    def t(self) -> Tables:
        return self._work.tables


class FakeEventRepository(_Repository):
    def insert_new(self, events: Sequence[StoredEvent]) -> set[str]:
        inserted = set()
        for stored in events:
            if stored.event.event_id not in self.t.events:
                self.t.events[stored.event.event_id] = stored
                inserted.add(stored.event.event_id)
        return inserted

    def by_ids(self, event_ids: Iterable[str]) -> dict[str, StoredEvent]:
        return {i: self.t.events[i] for i in sorted(set(event_ids)) if i in self.t.events}

    def for_customers(self, customer_ids: Sequence[str]) -> dict[str, list[Event]]:
        grouped: dict[str, list[Event]] = {c: [] for c in customer_ids}
        for event in self.all():
            if event.customer_id in grouped:
                grouped[event.customer_id].append(event)
        return grouped

    def counts(self, customer_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for event in self.all():
            if event.customer_id in customer_ids:
                found[event.customer_id] = found.get(event.customer_id, 0) + 1
        return found

    def all(self) -> Iterator[Event]:
        return iter([self.t.events[i].event for i in sorted(self.t.events)])

    def count(self) -> int:
        return len(self.t.events)


class FakeQuarantineRepository(_Repository):
    def add_many(self, rows: Sequence[QuarantinedRow]) -> None:
        self.t.quarantine.extend(r.model_copy(update={"id": self.t.new_id()}) for r in rows)

    def list_(self, *, limit: int = 100, offset: int = 0) -> list[QuarantinedRow]:
        return self.t.quarantine[offset : offset + limit]

    def count(self) -> int:
        return len(self.t.quarantine)

    def get(self, row_id: int) -> QuarantinedRow | None:
        return next((r for r in self.t.quarantine if r.id == row_id), None)

    def by_ids(self, row_ids: Sequence[int]) -> list[QuarantinedRow]:
        return [r for r in self.t.quarantine if r.id in set(row_ids)]

    def delete(self, row_ids: Sequence[int]) -> None:
        self.t.quarantine[:] = [r for r in self.t.quarantine if r.id not in set(row_ids)]


class FakeStateRepository(_Repository):
    def lock(
        self,
        program_id: str,
        customer_ids: Sequence[str],
        empty_state: Callable[[str], str],
        now: datetime,
    ) -> tuple[dict[str, str], set[str]]:
        states, created = {}, set()
        for customer_id in sorted(set(customer_ids)):
            key = (program_id, customer_id)
            if key not in self.t.states:
                self.t.states[key] = CustomerStateRecord(
                    program_id=program_id,
                    customer_id=customer_id,
                    state=empty_state(customer_id),
                    event_count=0,
                    updated_at=now,
                )
                created.add(customer_id)
            states[customer_id] = self.t.states[key].state
        return states, created

    def save(self, states: Sequence[CustomerStateRecord]) -> None:
        for state in states:
            key = (state.program_id, state.customer_id)
            if key in self.t.states:  # like UPDATE: only states that exist
                self.t.states[key] = state

    def get(self, program_id: str, customer_id: str) -> CustomerStateRecord | None:
        return self.t.states.get((program_id, customer_id))

    def append_calls(self, program_id: str, rows: Sequence[tuple[str, int, str]]) -> None:
        for customer_id, seq, result in rows:
            kept = self.t.calls.setdefault((program_id, customer_id), {})
            if seq in kept:  # the table's primary key
                raise ValueError(f"verdict {seq} of {customer_id} already stored")
            kept[seq] = result

    def drop_calls(self, program_id: str, customer_ids: Sequence[str]) -> None:
        for customer_id in customer_ids:
            self.t.calls.pop((program_id, customer_id), None)

    def calls(self, program_id: str, customer_id: str) -> list[str]:
        kept = self.t.calls.get((program_id, customer_id), {})
        return [kept[seq] for seq in sorted(kept)]

    def read(
        self, program_id: str, customer_id: str, *, with_state: bool = False
    ) -> StoredProgress | None:
        row = self.get(program_id, customer_id)
        if row is None:
            return None
        return StoredProgress(
            progress=row.progress,
            progress_as_of=row.progress_as_of,
            valid_through=row.valid_through,
            event_count=row.event_count,
            calls=tuple(self.calls(program_id, customer_id)),
            state=row.state if with_state else None,
        )

    def customers(self, program_id: str) -> list[str]:
        return sorted(c for p, c in self.t.states if p == program_id)

    def without_state(self, program_id: str, *, limit: int) -> list[str]:
        customers = {e.event.customer_id for e in self.t.events.values()}
        return sorted(c for c in customers if (program_id, c) not in self.t.states)[:limit]

    def stale(self, program_id: str, as_of: date, *, limit: int) -> list[str]:
        found = [
            s.customer_id
            for (program, _), s in self.t.states.items()
            if program == program_id and s.valid_through is not None and s.valid_through < as_of
        ]
        return sorted(found)[:limit]

    def save_snapshot(
        self, program_id: str, customer_id: str, *, event_count: int, snapshot: Snapshot
    ) -> None:
        state = self.get(program_id, customer_id)
        if state is None or state.event_count != event_count:
            return
        if state.progress_as_of is not None and state.progress_as_of > snapshot.progress_as_of:
            return
        self.t.states[program_id, customer_id] = state.model_copy(update=snapshot.model_dump())


class FakeGrantRepository(_Repository):
    def released_mb_by_day(self, program_id: str) -> dict[date, int]:
        found: dict[date, int] = {}
        for g in self.t.grants.values():
            if g.program_id == program_id and g.status != GrantStatus.HELD:
                found[g.granted_on] = found.get(g.granted_on, 0) + g.amount_mb
        return found

    def insert_new(self, grants: Sequence[GrantRecord]) -> set[str]:
        taken = {(g.program_id, g.customer_id, g.reward, g.period) for g in self.t.grants.values()}
        inserted = set()
        for grant in sorted(grants, key=lambda g: g.grant_id):
            key = (grant.program_id, grant.customer_id, grant.reward, grant.period)
            if grant.grant_id in self.t.grants or key in taken:
                continue
            self.t.grants[grant.grant_id] = grant
            taken.add(key)
            inserted.add(grant.grant_id)
        return inserted

    def by_ids(self, grant_ids: Sequence[str]) -> dict[str, GrantRecord]:
        return {i: self.t.grants[i] for i in grant_ids if i in self.t.grants}

    def for_customer(self, customer_id: str) -> list[GrantRecord]:
        found = [g for g in self.t.grants.values() if g.customer_id == customer_id]
        return sorted(found, key=lambda g: (g.granted_on, g.reward, g.period))

    def list_(
        self,
        *,
        program_id: str | None = None,
        status: GrantStatus | None = None,
        limit: int | None = None,
    ) -> list[GrantRecord]:
        found = [
            g
            for g in sorted(self.t.grants.values(), key=lambda g: (g.granted_on, g.grant_id))
            if (program_id is None or g.program_id == program_id)
            and (status is None or g.status == status)
        ]
        return found if limit is None else found[:limit]

    def mark(
        self,
        grant_ids: Sequence[str],
        *,
        status: GrantStatus,
        hold_reason: str | None,
        released_at: datetime | None = None,
    ) -> None:
        del released_at  # the record does not carry it
        for grant_id in grant_ids:
            grant = self.t.grants[grant_id]
            update = {"status": status, "hold_reason": hold_reason}
            self.t.grants[grant_id] = grant.model_copy(update=update)

    def held_in_order(self, program_id: str) -> list[GrantRecord]:
        return self.list_(program_id=program_id, status=GrantStatus.HELD)

    def totals_by_status(self, program_id: str) -> dict[GrantStatus, tuple[int, int]]:
        totals: dict[GrantStatus, tuple[int, int]] = {}
        for grant in self.list_(program_id=program_id):
            count, mb = totals.get(grant.status, (0, 0))
            totals[grant.status] = (count + 1, mb + grant.amount_mb)
        return totals

    def rejected(self, *, program_id: str | None, customer_id: str | None) -> list[GrantRecord]:
        return [
            g
            for g in sorted(self.t.grants.values(), key=lambda g: g.grant_id)
            if g.status is GrantStatus.REJECTED
            and (program_id is None or g.program_id == program_id)
            and (customer_id is None or g.customer_id == customer_id)
        ]

    def audit(self, grant_ids: Sequence[str], *, action: str, actor: str, at: datetime) -> None:
        self.t.audit.extend(
            GrantAudit(grant_id=g, action=action, actor=actor, at=at) for g in grant_ids
        )

    def audit_of(self, grant_id: str) -> list[GrantAudit]:
        return [a for a in self.t.audit if a.grant_id == grant_id]


class FakeOutboxRepository(_Repository):
    def add(self, grant_ids: Sequence[str], now: datetime) -> None:
        queued = {e.grant_id for e in self.t.outbox.values()}
        for grant_id in grant_ids:
            if grant_id in queued:  # the table's unique key
                raise ValueError(f"outbox already holds grant {grant_id}")
            entry = OutboxEntry(self.t.new_id(), grant_id, available_at=now, created_at=now)
            self.t.outbox[entry.id] = entry

    def claim(self, relay_id: str, now: datetime, lease_until: datetime, limit: int) -> list[Claim]:
        due = [e for e in self.t.outbox.values() if e.closed_at is None and e.available_at <= now]
        claims = []
        for entry in sorted(due, key=lambda e: (e.available_at, e.id))[:limit]:
            entry.claimed_by, entry.available_at = relay_id, lease_until
            entry.attempts += 1
            claims.append(Claim(entry.id, entry.attempts, self.t.grants[entry.grant_id]))
        return claims

    def confirm(
        self, outbox_id: int, grant_id: str, charging_id: str | None, now: datetime
    ) -> None:
        entry = self.t.outbox[outbox_id]
        entry.closed_at, entry.sent_at, entry.last_error = now, now, None
        update = {"status": GrantStatus.CONFIRMED, "confirmed_at": now, "charging_id": charging_id}
        self.t.grants[grant_id] = self.t.grants[grant_id].model_copy(update=update)

    def reject(self, outbox_id: int, grant_id: str, error: str, now: datetime) -> None:
        entry = self.t.outbox[outbox_id]
        entry.closed_at, entry.last_error = now, error[:2000]
        update = {"status": GrantStatus.REJECTED}
        self.t.grants[grant_id] = self.t.grants[grant_id].model_copy(update=update)

    def release(self, outbox_id: int, error: str, retry_at: datetime) -> None:
        entry = self.t.outbox[outbox_id]
        entry.claimed_by, entry.available_at, entry.last_error = None, retry_at, error[:2000]

    def reopen(self, grant_ids: Sequence[str], now: datetime) -> None:
        for entry in self.t.outbox.values():
            if entry.grant_id in grant_ids:
                entry.closed_at, entry.claimed_by, entry.available_at = None, None, now
                entry.attempts = 0
        for grant_id in grant_ids:
            grant = self.t.grants[grant_id]
            if grant.status is GrantStatus.REJECTED:
                self.t.grants[grant_id] = grant.model_copy(update={"status": GrantStatus.PENDING})

    def open_count(self) -> int:
        return sum(1 for e in self.t.outbox.values() if e.closed_at is None)

    def backlog(self) -> Backlog:
        open_ = [e.created_at for e in self.t.outbox.values() if e.closed_at is None]
        return Backlog(open=len(open_), oldest_created_at=min(open_, default=None))


class FakeBudgetRepository(_Repository):
    def get(self, program_id: str) -> Budget | None:
        return self.t.budgets.get(program_id)

    def put(
        self,
        program_id: str,
        *,
        total_mb: int | None,
        monthly_mb: int | None,
        now: datetime,
        only_if_missing: bool = False,
    ) -> None:
        del now
        if only_if_missing and program_id in self.t.budgets:
            return
        self.t.budgets[program_id] = Budget(
            program_id=program_id, total_mb=total_mb, monthly_mb=monthly_mb
        )

    def reserve(self, program_id: str, period: str, amount_mb: int) -> bool:
        """All or nothing, and never past the limit (no limit or no budget: nothing)."""
        budget = self.t.budgets.get(program_id)
        limit = (
            None if budget is None else budget.total_mb if period == TOTAL else budget.monthly_mb
        )
        spent = self.t.spend.setdefault((program_id, period), 0)
        if limit is None or spent + amount_mb > limit:
            return False
        self.t.spend[program_id, period] = spent + amount_mb
        return True

    def unreserve(self, program_id: str, period: str, amount_mb: int) -> None:
        if (program_id, period) in self.t.spend:
            self.t.spend[program_id, period] -= amount_mb

    def spent(self, program_id: str) -> dict[str, int]:
        return {period: mb for (p, period), mb in self.t.spend.items() if p == program_id}

    def lock_spent(self, program_id: str) -> None:
        del program_id  # one transaction at a time holds the fake's lock anyway

    def set_spent(self, program_id: str, spent: dict[str, int]) -> None:
        for key in [k for k in self.t.spend if k[0] == program_id]:
            self.t.spend[key] = 0
        for period, mb in spent.items():
            self.t.spend[program_id, period] = mb


class FakeCredentialRepository(_Repository):
    def add_key(self, key: ApiKeyRecord) -> None:
        self.t.keys[key.id] = key

    def add_token(self, token: CustomerTokenRecord) -> None:
        self.t.tokens[token.id] = token

    def key_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        return next((k for k in self.t.keys.values() if k.key_hash == key_hash), None)

    def token_by_hash(self, token_hash: str) -> CustomerTokenRecord | None:
        return next((t for t in self.t.tokens.values() if t.token_hash == token_hash), None)

    def revoke_key(self, key_id: str, now: datetime) -> bool:
        key = self.t.keys.get(key_id)
        if key is None:
            return False
        if key.revoked_at is None:
            self.t.keys[key_id] = key.model_copy(update={"revoked_at": now})
        return True

    def keys(self) -> list[ApiKeyRecord]:
        return sorted(self.t.keys.values(), key=lambda k: (k.created_at, k.id))

    def tokens(self, customer_id: str | None = None) -> list[CustomerTokenRecord]:
        mine = [t for t in self.t.tokens.values() if customer_id in (None, t.customer_id)]
        return sorted(mine, key=lambda t: (t.created_at, t.id))

    def token(self, token_id: str) -> CustomerTokenRecord | None:
        return self.t.tokens.get(token_id)

    def revoke_token(self, token_id: str, now: datetime) -> bool:
        token = self.t.tokens.get(token_id)
        if token is None:
            return False
        if token.revoked_at is None:
            self.t.tokens[token_id] = token.model_copy(update={"revoked_at": now})
        for session_id, session in list(self.t.sessions.items()):
            if session.token_id == token_id and session.ended_at is None:
                self.t.sessions[session_id] = session.model_copy(update={"ended_at": now})
        return True

    def use_login_link(self, token_hash: str, now: datetime) -> CustomerTokenRecord | None:
        token = self.token_by_hash(token_hash)
        live = token is not None and token.expires_at is not None and token.expires_at > now
        if not live or token is None or token.purpose != LOGIN_LINK:
            return None
        if token.used_at is not None or token.revoked_at is not None:
            return None
        used = token.model_copy(update={"used_at": now})
        self.t.tokens[token.id] = used
        return used

    def add_session(self, session: CustomerSessionRecord) -> None:
        self.t.sessions[session.id] = session

    def session_by_hash(self, session_hash: str) -> CustomerSessionRecord | None:
        found = (s for s in self.t.sessions.values() if s.session_hash == session_hash)
        return next(found, None)

    def end_session(self, session_hash: str, now: datetime) -> bool:
        session = self.session_by_hash(session_hash)
        if session is None or session.ended_at is not None:
            return False
        self.t.sessions[session.id] = session.model_copy(update={"ended_at": now})
        return True


class FakeMeasurementRepository(_Repository):
    def add(self, customer_id: str, measurement: Measurement, *, stored_at: datetime) -> None:
        del stored_at
        self.t.measurements.append((customer_id, measurement))

    def list_(self, customer_id: str) -> list[Measurement]:
        mine = [m for c, m in self.t.measurements if c == customer_id]
        return sorted(mine, key=lambda m: m.measured_at)  # stable: storing order next


class FakeContractRepository(_Repository):
    def get(self, customer_id: str) -> StoredContract | None:
        return self.t.contracts.get(customer_id)

    def put(self, customer_id: str, contract: Contract, *, now: datetime) -> None:
        self.t.contracts[customer_id] = StoredContract(contract, now)


class FakeConsoleRepository(_Repository):
    def add_operator(self, operator: OperatorRecord) -> None:
        if self.operator_by_name(operator.name) is not None:
            raise ValueError(f"fake storage: operator {operator.name} exists")
        self.t.operators[operator.id] = operator

    def operator_by_name(self, name: str) -> OperatorRecord | None:
        return next((o for o in self.t.operators.values() if o.name == name), None)

    def operator(self, operator_id: str) -> OperatorRecord | None:
        return self.t.operators.get(operator_id)

    def operators(self) -> list[OperatorRecord]:
        return sorted(self.t.operators.values(), key=lambda o: o.name)

    def add_session(self, session: OperatorSessionRecord) -> None:
        self.t.operator_sessions[session.session_hash] = session

    def session_by_hash(self, session_hash: str) -> OperatorSessionRecord | None:
        return self.t.operator_sessions.get(session_hash)

    def end_session(self, session_hash: str, now: datetime) -> bool:
        found = self.t.operator_sessions.get(session_hash)
        if found is None or found.ended_at is not None:
            return False
        self.t.operator_sessions[session_hash] = found.model_copy(update={"ended_at": now})
        return True

    def audit(self, entry: AuditEntry) -> None:
        self.t.operator_audit.append(entry.model_copy(update={"id": self.t.new_id()}))

    def audit_log(self, *, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        newest = sorted(self.t.operator_audit, key=lambda e: (e.at, e.id or 0), reverse=True)
        return newest[offset : offset + limit]

    def audit_count(self) -> int:
        return len(self.t.operator_audit)

    def add_version(self, version: ProgramVersionRecord) -> None:
        taken = {(v.program_id, v.version) for v in self.t.program_versions}
        if (version.program_id, version.version) in taken:
            raise ValueError("fake storage: version exists")
        self.t.program_versions.append(version)

    def versions(self, program_id: str) -> list[ProgramVersionRecord]:
        mine = [v for v in self.t.program_versions if v.program_id == program_id]
        return sorted(mine, key=lambda v: v.version)

    def latest_version(self) -> ProgramVersionRecord | None:
        ordered = sorted(self.t.program_versions, key=lambda v: (v.published_at, v.version))
        return ordered[-1] if ordered else None

    def latest_head(self) -> tuple[str, int, str] | None:
        latest = self.latest_version()
        return None if latest is None else (latest.program_id, latest.version, latest.digest)

    def version(self, program_id: str, version: int) -> ProgramVersionRecord | None:
        found = (
            v for v in self.t.program_versions if (v.program_id, v.version) == (program_id, version)
        )
        return next(found, None)


class FakePilotRepository(_Repository):
    def add_assignments(self, rows: Sequence[AssignmentRecord]) -> int:
        new = [r for r in rows if (r.pilot_id, r.customer_id) not in self.t.assignments]
        for row in new:
            self.t.assignments[row.pilot_id, row.customer_id] = row
        return len(new)

    def add_invitations(self, rows: Sequence[InvitationRecord]) -> int:
        new = [r for r in rows if r.code_hash not in self.t.invitations]
        for row in new:
            self.t.invitations[row.code_hash] = row
        return len(new)

    def assignments(self, pilot_id: str) -> list[AssignmentRecord]:
        return sorted(
            (r for (p, _), r in self.t.assignments.items() if p == pilot_id),
            key=lambda r: r.customer_id,
        )

    def invitation(self, code_hash: str) -> InvitationRecord | None:
        return self.t.invitations.get(code_hash)

    def accept(self, code_hash: str, customer_id: str, at: datetime) -> bool:
        found = self.t.invitations.get(code_hash)
        if found is None or found.customer_id != customer_id or found.accepted_at is not None:
            return False
        self.t.invitations[code_hash] = replace(found, accepted_at=at)
        return True

    def counts(self, pilot_id: str) -> PilotCounts:
        arms: dict[str, int] = {}
        for row in self.assignments(pilot_id):
            arms[row.arm] = arms.get(row.arm, 0) + 1
        codes = [i for i in self.t.invitations.values() if i.pilot_id == pilot_id]
        accepted = sum(i.accepted_at is not None for i in codes)
        return PilotCounts(arms, len(codes), accepted)

    def pilots(self) -> list[str]:
        return sorted({p for p, _ in self.t.assignments})

    def add_analysis(self, analysis: AnalysisRecord) -> None:
        self.t.analyses.append(analysis)

    def latest_analysis(self, pilot_id: str) -> AnalysisRecord | None:
        mine = [a for a in self.t.analyses if a.pilot_id == pilot_id]
        return max(mine, key=lambda a: a.analysed_at) if mine else None

    def event_rows(self, pilot_id: str, *, before: datetime) -> Iterator[list[tuple[object, ...]]]:
        assigned = {c for p, c in self.t.assignments if p == pilot_id}
        rows: list[tuple[object, ...]] = [
            _event_fields(e)
            for e in (s.event for s in self.t.events.values())
            if e.customer_id in assigned and e.occurred_at < before
        ]
        if rows:
            yield rows


def _event_fields(e: Event) -> tuple[object, ...]:
    """The fields `PilotRepository.event_rows` promises, in its order."""
    return (
        e.event_id,
        e.customer_id,
        e.type.value,
        e.occurred_at,
        e.reason_code,
        e.text,
        e.direction.value,
        e.reached_agent,
    )


class FakeUnitOfWork:
    """One 'transaction' on a private copy of the storage's tables."""

    def __init__(self, storage: FakeStorage) -> None:
        self._storage = storage
        self.tables = Tables()
        self.events = FakeEventRepository(self)
        self.quarantine = FakeQuarantineRepository(self)
        self.states = FakeStateRepository(self)
        self.grants = FakeGrantRepository(self)
        self.outbox = FakeOutboxRepository(self)
        self.budgets = FakeBudgetRepository(self)
        self.credentials = FakeCredentialRepository(self)
        self.measurements = FakeMeasurementRepository(self)
        self.contracts = FakeContractRepository(self)
        self.console = FakeConsoleRepository(self)
        self.pilots = FakePilotRepository(self)

    def __enter__(self) -> Self:
        self.tables = copy.deepcopy(self._storage.tables)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        if self._storage.fail_commits:
            raise ConnectionError("fake storage: went away before COMMIT")
        self._storage.tables = copy.deepcopy(self.tables)
        self._storage.commits += 1

    def rollback(self) -> None:
        self.tables = copy.deepcopy(self._storage.tables)

    def ping(self) -> None:
        if not self._storage.available:
            raise StorageUnavailable("fake storage: switched off")


@dataclass
class FakeStorage:
    """The fake's database and its unit-of-work factory: `uow()`, `uow(read_only=True)`."""

    tables: Tables = field(default_factory=Tables)
    commits: int = 0
    fail_commits: bool = False
    available: bool = True

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        del read_only
        return FakeUnitOfWork(self)


def _fits_the_ports(storage: FakeStorage) -> UnitOfWorkFactory:
    """Never called: mypy checks here that the fake implements every port."""
    return storage
