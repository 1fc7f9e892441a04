"""The unit of work: one transaction, its repositories, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from selfcare.store.engine import READ_ONLY, make_session_factory
from selfcare.store.ledger_repository import (
    BudgetRepository,
    GrantRepository,
    OutboxRepository,
)
from selfcare.store.repository import EventRepository, QuarantineRepository, StateRepository


class UnitOfWork(Protocol):
    """What services need from storage; a fake can stand in for it in unit tests."""

    events: EventRepository
    quarantine: QuarantineRepository
    states: StateRepository
    grants: GrantRepository
    outbox: OutboxRepository
    budgets: BudgetRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class SqlUnitOfWork:
    """A database transaction: everything inside commits together or not at all."""

    events: EventRepository
    quarantine: QuarantineRepository
    states: StateRepository
    grants: GrantRepository
    outbox: OutboxRepository
    budgets: BudgetRepository
    session: Session

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.events = EventRepository(self.session)
        self.quarantine = QuarantineRepository(self.session)
        self.states = StateRepository(self.session)
        self.grants = GrantRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.budgets = BudgetRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and, unlike rollback(), leaves
        # loaded rows readable, so services can return them after the block.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class UnitOfWorkFactory:
    """Makes units of work on one engine: `uow()` for writes, `uow(read_only=True)` for
    reads (on SQLite those do not take the write lock)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write = make_session_factory(engine)
        self._read = make_session_factory(engine.execution_options(**{READ_ONLY: True}))

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._read if read_only else self._write)
