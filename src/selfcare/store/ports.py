"""The doors to storage as protocols: what services may ask of it, in domain records.

`SqlUnitOfWork` implements them on SQLite and PostgreSQL; the unit tests' fake keeps them
in memory. Each guarantee a service relies on is part of the contract and every
implementation keeps it: an event id is stored once (`EventRepository.insert_new`), a
grant once per (program, customer, reward, period) (`GrantRepository.insert_new`), and a budget
is never overspent (`BudgetRepository.reserve` reserves all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from selfcare.domain.events import Event
from selfcare.domain.ledger import Backlog, Budget, Claim, GrantAudit, GrantRecord, GrantStatus
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


class EventRepository(Protocol):
    """Accepted events, keyed by event id."""

    def insert_new(self, events: Sequence[StoredEvent]) -> set[str]:
        """Store events whose id is not stored yet; the ids this call stored."""
        ...

    def by_ids(self, event_ids: Iterable[str]) -> dict[str, StoredEvent]: ...
    def for_customers(self, customer_ids: Sequence[str]) -> dict[str, list[Event]]: ...
    def counts(self, customer_ids: Sequence[str]) -> dict[str, int]: ...
    def all(self) -> Iterator[Event]: ...
    def count(self) -> int: ...


class QuarantineRepository(Protocol):
    """Rows that were not accepted, kept for the operator to fix and resend."""

    def add_many(self, rows: Sequence[QuarantinedRow]) -> None: ...
    def list_(self, *, limit: int = 100, offset: int = 0) -> list[QuarantinedRow]: ...
    def count(self) -> int: ...
    def get(self, row_id: int) -> QuarantinedRow | None: ...
    def by_ids(self, row_ids: Sequence[int]) -> list[QuarantinedRow]: ...
    def delete(self, row_ids: Sequence[int]) -> None:
        """Remove rows that were sent again (stored, or quarantined anew)."""
        ...


class StateRepository(Protocol):
    """Per-customer fold state and progress snapshot, one per (program, customer)."""

    def lock(
        self,
        program_id: str,
        customer_ids: Sequence[str],
        empty_state: Callable[[str], str],
        now: datetime,
    ) -> tuple[dict[str, str], set[str]]:
        """The states (JSON) of these customers, locked for this transaction; missing ones
        are created with the empty state and come back in the second set too."""
        ...

    def save(self, states: Sequence[CustomerStateRecord]) -> None: ...
    def get(self, program_id: str, customer_id: str) -> CustomerStateRecord | None: ...
    def append_calls(self, program_id: str, rows: Sequence[tuple[str, int, str]]) -> None:
        """Append verdicts that can no longer change: (customer, position, JSON)."""
        ...

    def drop_calls(self, program_id: str, customer_ids: Sequence[str]) -> None: ...
    def read(
        self, program_id: str, customer_id: str, *, with_state: bool = False
    ) -> StoredProgress | None:
        """Snapshot and frozen verdicts (and the checkpoint if asked), read consistently."""
        ...

    def calls(self, program_id: str, customer_id: str) -> list[str]:
        """One customer's frozen verdicts (JSON) in position order."""
        ...

    def customers(self, program_id: str) -> list[str]: ...
    def without_state(self, program_id: str, *, limit: int) -> list[str]: ...
    def stale(self, program_id: str, as_of: date, *, limit: int) -> list[str]: ...
    def save_snapshot(
        self, program_id: str, customer_id: str, *, event_count: int, snapshot: Snapshot
    ) -> None:
        """Store a snapshot unless the state moved on (more events, a later snapshot)."""
        ...


class GrantRepository(Protocol):
    """The ledger: one grant per (program, customer, reward, period), never deleted."""

    def insert_new(self, grants: Sequence[GrantRecord]) -> set[str]:
        """Store grants whose id and (program, customer, reward, period) are new; their ids."""
        ...

    def by_ids(self, grant_ids: Sequence[str]) -> dict[str, GrantRecord]: ...
    def for_customer(self, customer_id: str) -> list[GrantRecord]: ...
    def list_(
        self,
        *,
        program_id: str | None = None,
        status: GrantStatus | None = None,
        limit: int | None = None,
    ) -> list[GrantRecord]: ...
    def mark(
        self,
        grant_ids: Sequence[str],
        *,
        status: GrantStatus,
        hold_reason: str | None,
        released_at: datetime | None = None,
    ) -> None: ...
    def held_in_order(self, program_id: str) -> list[GrantRecord]:
        """Held grants, locked, in release order: due date, then id."""
        ...

    def totals_by_status(self, program_id: str) -> dict[GrantStatus, tuple[int, int]]: ...
    def released_mb_by_day(self, program_id: str) -> dict[date, int]:
        """MB of every grant released for payment (all but held ones), per due date."""
        ...

    def rejected(self, *, program_id: str | None, customer_id: str | None) -> list[GrantRecord]:
        """Rejected grants, locked (two resends at once resend each grant once), by id."""
        ...

    def audit(self, grant_ids: Sequence[str], *, action: str, actor: str, at: datetime) -> None:
        """Record who did `action` to these grants by hand, and when."""
        ...

    def audit_of(self, grant_id: str) -> list[GrantAudit]: ...


class OutboxRepository(Protocol):
    """Top-ups waiting to be sent, claimed with an expiring lease."""

    def add(self, grant_ids: Sequence[str], now: datetime) -> None: ...
    def claim(
        self, relay_id: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Claim]: ...
    def confirm(
        self, outbox_id: int, grant_id: str, charging_id: str | None, now: datetime
    ) -> None: ...
    def reject(self, outbox_id: int, grant_id: str, error: str, now: datetime) -> None: ...
    def release(self, outbox_id: int, error: str, retry_at: datetime) -> None: ...
    def reopen(self, grant_ids: Sequence[str], now: datetime) -> None:
        """Open the outbox entries of rejected grants again and mark them pending."""
        ...

    def open_count(self) -> int: ...
    def backlog(self) -> Backlog:
        """Open rows and the oldest one's queue time, in one cheap read (metrics scrapes)."""
        ...


class BudgetRepository(Protocol):
    """Budget limits per program and the MB reserved against them."""

    def get(self, program_id: str) -> Budget | None: ...
    def put(
        self,
        program_id: str,
        *,
        total_mb: int | None,
        monthly_mb: int | None,
        now: datetime,
        only_if_missing: bool = False,
    ) -> None: ...
    def reserve(self, program_id: str, period: str, amount_mb: int) -> bool:
        """Reserve `amount_mb` in `period` (`total` or `YYYY-MM`) if it stays within the
        limit, atomically; False (nothing reserved) when it does not fit."""
        ...

    def unreserve(self, program_id: str, period: str, amount_mb: int) -> None: ...
    def spent(self, program_id: str) -> dict[str, int]: ...
    def lock_spent(self, program_id: str) -> None:
        """Lock the spend counters while they are recounted."""
        ...

    def set_spent(self, program_id: str, spent: dict[str, int]) -> None:
        """Replace the spend counters with recounted values (others become 0)."""
        ...


class CredentialRepository(Protocol):
    """API keys, customer tokens and browser sessions, found by hash only: no raw secret
    ever passes."""

    def add_key(self, key: ApiKeyRecord) -> None: ...
    def add_token(self, token: CustomerTokenRecord) -> None: ...
    def key_by_hash(self, key_hash: str) -> ApiKeyRecord | None: ...
    def token_by_hash(self, token_hash: str) -> CustomerTokenRecord | None: ...
    def keys(self) -> list[ApiKeyRecord]:
        """Every key, oldest first, revoked ones included."""
        ...

    def tokens(self, customer_id: str | None = None) -> list[CustomerTokenRecord]:
        """Customer tokens, oldest first: one customer's, or all."""
        ...

    def token(self, token_id: str) -> CustomerTokenRecord | None: ...
    def revoke_key(self, key_id: str, now: datetime) -> bool:
        """Revoke a key (keeping the first revocation time); False when there is none."""
        ...

    def revoke_token(self, token_id: str, now: datetime) -> bool:
        """Revoke a token (keeping the first revocation time) and end the open sessions
        opened with it; False when there is no such token."""
        ...

    def use_login_link(self, token_hash: str, now: datetime) -> CustomerTokenRecord | None:
        """Mark an unused, live login link used, atomically (at most one caller ever gets
        the record); None when it is unknown, used, revoked or expired."""
        ...

    def add_session(self, session: CustomerSessionRecord) -> None: ...
    def session_by_hash(self, session_hash: str) -> CustomerSessionRecord | None: ...
    def end_session(self, session_hash: str, now: datetime) -> bool:
        """End an open session (logout); False when there is none open with this hash."""
        ...


class MeasurementRepository(Protocol):
    """Every speed measurement a customer's browser reported."""

    def add(self, customer_id: str, measurement: Measurement, *, stored_at: datetime) -> None: ...
    def list_(self, customer_id: str) -> list[Measurement]:
        """Oldest first (by measurement time, then by storing order)."""
        ...


class ContractRepository(Protocol):
    """The speed-check contract figures of each customer's line."""

    def get(self, customer_id: str) -> StoredContract | None: ...
    def put(self, customer_id: str, contract: Contract, *, now: datetime) -> None:
        """Record or replace; two operators setting them at once cannot collide."""
        ...


class ConsoleRepository(Protocol):
    """The operator console's storage: accounts, sessions, audit log, program versions."""

    def add_operator(self, operator: OperatorRecord) -> None:
        """Store a new operator; IntegrityError-like failure when the name is taken."""
        ...

    def operator_by_name(self, name: str) -> OperatorRecord | None: ...
    def operator(self, operator_id: str) -> OperatorRecord | None: ...
    def operators(self) -> list[OperatorRecord]: ...
    def add_session(self, session: OperatorSessionRecord) -> None: ...
    def session_by_hash(self, session_hash: str) -> OperatorSessionRecord | None: ...
    def end_session(self, session_hash: str, now: datetime) -> bool: ...
    def audit(self, entry: AuditEntry) -> None: ...
    def audit_log(self, *, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        """Newest first."""
        ...

    def audit_count(self) -> int: ...
    def add_version(self, version: ProgramVersionRecord) -> None:
        """Store a version; fails when (program, version) exists (two publishers at once)."""
        ...

    def versions(self, program_id: str) -> list[ProgramVersionRecord]:
        """Oldest first."""
        ...

    def latest_version(self) -> ProgramVersionRecord | None:
        """The most recently published version of any program."""
        ...

    def latest_head(self) -> tuple[str, int, str] | None:
        """Program id, version and digest of `latest_version`, without reading its file."""
        ...

    def version(self, program_id: str, version: int) -> ProgramVersionRecord | None: ...


class PilotRepository(Protocol):
    """Pilots' arms and invitation codes (by hash). A customer stays in the arm first
    stored for them (a later wave adds, never moves), and a code is accepted once."""

    def add_assignments(self, rows: Sequence[AssignmentRecord]) -> int:
        """Store the customers not yet in their pilot; how many were new."""
        ...

    def add_invitations(self, rows: Sequence[InvitationRecord]) -> int:
        """Store codes whose hash is new; how many were new."""
        ...

    def assignments(self, pilot_id: str) -> list[AssignmentRecord]:
        """By customer id."""
        ...

    def invitation(self, code_hash: str) -> InvitationRecord | None: ...
    def accept(self, code_hash: str, customer_id: str, at: datetime) -> bool:
        """Mark the code accepted if it is this customer's and still open, atomically;
        False (nothing changed) otherwise."""
        ...

    def counts(self, pilot_id: str) -> PilotCounts: ...
    def pilots(self) -> list[str]:
        """Pilots with assignments, by id."""
        ...

    def add_analysis(self, analysis: AnalysisRecord) -> None: ...
    def latest_analysis(self, pilot_id: str) -> AnalysisRecord | None: ...
    def event_rows(self, pilot_id: str, *, before: datetime) -> Iterator[list[tuple[object, ...]]]:
        """The pilot's customers' events before `before`, in chunks, as tuples of
        (event_id, customer_id, type, occurred_at, reason_code, text, direction,
        reached_agent)."""
        ...


class UnitOfWork(Protocol):
    """One transaction and its repositories: rolled back unless `commit()` is called."""

    # Read-only members, so an implementation may hold its own repository classes.
    @property
    def events(self) -> EventRepository: ...
    @property
    def quarantine(self) -> QuarantineRepository: ...
    @property
    def states(self) -> StateRepository: ...
    @property
    def grants(self) -> GrantRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def budgets(self) -> BudgetRepository: ...
    @property
    def credentials(self) -> CredentialRepository: ...
    @property
    def measurements(self) -> MeasurementRepository: ...
    @property
    def contracts(self) -> ContractRepository: ...
    @property
    def console(self) -> ConsoleRepository: ...
    @property
    def pilots(self) -> PilotRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def ping(self) -> None:
        """A round trip to storage; StorageUnavailable when it does not answer."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes units of work: `uow()` for writes, `uow(read_only=True)` for reads."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
