"""The unit of work on SQLite and PostgreSQL: one transaction, its repositories, rolled back
unless committed. The protocols it implements are in ports.py."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from selfcare.errors import StorageUnavailable
from selfcare.store.console_repository import SqlConsoleRepository
from selfcare.store.credential_repository import SqlCredentialRepository
from selfcare.store.engine import READ_ONLY, make_session_factory
from selfcare.store.ledger_repository import (
    SqlBudgetRepository,
    SqlGrantRepository,
    SqlOutboxRepository,
)
from selfcare.store.pilot_repository import SqlPilotRepository
from selfcare.store.ports import UnitOfWork, UnitOfWorkFactory
from selfcare.store.repository import (
    SqlEventRepository,
    SqlQuarantineRepository,
    SqlStateRepository,
)
from selfcare.store.speedcheck_repository import SqlContractRepository, SqlMeasurementRepository

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory", "UnitOfWork", "UnitOfWorkFactory"]


class SqlUnitOfWork:
    """A database transaction: everything inside commits together or not at all."""

    events: SqlEventRepository
    quarantine: SqlQuarantineRepository
    states: SqlStateRepository
    grants: SqlGrantRepository
    outbox: SqlOutboxRepository
    budgets: SqlBudgetRepository
    credentials: SqlCredentialRepository
    measurements: SqlMeasurementRepository
    contracts: SqlContractRepository
    console: SqlConsoleRepository
    pilots: SqlPilotRepository
    session: Session

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.events = SqlEventRepository(self.session)
        self.quarantine = SqlQuarantineRepository(self.session)
        self.states = SqlStateRepository(self.session)
        self.grants = SqlGrantRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        self.budgets = SqlBudgetRepository(self.session)
        self.credentials = SqlCredentialRepository(self.session)
        self.measurements = SqlMeasurementRepository(self.session)
        self.contracts = SqlContractRepository(self.session)
        self.console = SqlConsoleRepository(self.session)
        self.pilots = SqlPilotRepository(self.session)
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

    def ping(self) -> None:
        """`SELECT 1`: a real round trip, for health checks."""
        try:
            self.session.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise StorageUnavailable("the database does not answer") from exc


def read_options(engine: Engine) -> dict[str, object]:
    """Execution options of read-only units of work.

    On PostgreSQL they run without a transaction (autocommit): a read under READ COMMITTED
    saw one moment per statement anyway, and BEGIN and ROLLBACK were two of a lookup's
    round trips. Reads that need one moment for several rows ask in one statement
    (`SqlStateRepository.read`). SQLite keeps its deferred read transaction (a snapshot of
    the file for the whole unit of work, and no round trips to save).
    """
    if engine.dialect.name == "postgresql":
        return {READ_ONLY: True, "isolation_level": "AUTOCOMMIT"}
    return {READ_ONLY: True}


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine: `uow()` for writes, `uow(read_only=True)` for
    reads (on SQLite those do not take the write lock)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write = make_session_factory(engine)
        self._read = make_session_factory(engine.execution_options(**read_options(engine)))

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._read if read_only else self._write)
