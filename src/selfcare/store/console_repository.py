"""The console's tables behind one door: operators and their sessions, the audit log and
the published program versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from selfcare.domain.operators import (
    AuditEntry,
    OperatorRecord,
    OperatorSessionRecord,
    ProgramVersionRecord,
)
from selfcare.store.tables import (
    OperatorAuditRow,
    OperatorRow,
    OperatorSessionRow,
    ProgramVersionRow,
)

NEWEST_FIRST = (ProgramVersionRow.published_at.desc(), ProgramVersionRow.version.desc())


class SqlConsoleRepository:
    """Operators, console sessions, audit entries and program versions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_operator(self, operator: OperatorRecord) -> None:
        values = operator.model_dump()
        values["role"] = operator.role.value
        self.session.add(OperatorRow(**values))
        self.session.flush()

    def operator_by_name(self, name: str) -> OperatorRecord | None:
        row = self.session.scalar(select(OperatorRow).where(OperatorRow.name == name))
        return None if row is None else OperatorRecord.model_validate(row)

    def operator(self, operator_id: str) -> OperatorRecord | None:
        row = self.session.get(OperatorRow, operator_id)
        return None if row is None else OperatorRecord.model_validate(row)

    def operators(self) -> list[OperatorRecord]:
        query = select(OperatorRow).order_by(OperatorRow.name)
        return [OperatorRecord.model_validate(row) for row in self.session.scalars(query)]

    def add_session(self, session: OperatorSessionRecord) -> None:
        self.session.add(OperatorSessionRow(**session.model_dump()))

    def session_by_hash(self, session_hash: str) -> OperatorSessionRecord | None:
        query = select(OperatorSessionRow).where(OperatorSessionRow.session_hash == session_hash)
        row = self.session.scalar(query)
        return None if row is None else OperatorSessionRecord.model_validate(row)

    def end_session(self, session_hash: str, now: datetime) -> bool:
        result = self.session.execute(
            update(OperatorSessionRow)
            .where(
                OperatorSessionRow.session_hash == session_hash,
                OperatorSessionRow.ended_at.is_(None),
            )
            .values(ended_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    def audit(self, entry: AuditEntry) -> None:
        self.session.add(OperatorAuditRow(**entry.model_dump(exclude={"id"})))

    def audit_log(self, *, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        query = (
            select(OperatorAuditRow)
            .order_by(OperatorAuditRow.at.desc(), OperatorAuditRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [AuditEntry.model_validate(row) for row in self.session.scalars(query)]

    def audit_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(OperatorAuditRow)) or 0)

    def add_version(self, version: ProgramVersionRecord) -> None:
        self.session.add(ProgramVersionRow(**version.model_dump()))
        self.session.flush()

    def versions(self, program_id: str) -> list[ProgramVersionRecord]:
        query = (
            select(ProgramVersionRow)
            .where(ProgramVersionRow.program_id == program_id)
            .order_by(ProgramVersionRow.version)
        )
        return [ProgramVersionRecord.model_validate(row) for row in self.session.scalars(query)]

    def latest_version(self) -> ProgramVersionRecord | None:
        query = select(ProgramVersionRow).order_by(*NEWEST_FIRST)
        row = self.session.scalars(query.limit(1)).first()
        return None if row is None else ProgramVersionRecord.model_validate(row)

    def latest_head(self) -> tuple[str, int, str] | None:
        """Program id, version and digest of the newest version, without its file: what a
        running service compares to learn whether something newer was published."""
        columns = (
            ProgramVersionRow.program_id,
            ProgramVersionRow.version,
            ProgramVersionRow.digest,
        )
        row = self.session.execute(select(*columns).order_by(*NEWEST_FIRST).limit(1)).first()
        return None if row is None else (row[0], row[1], row[2])

    def version(self, program_id: str, version: int) -> ProgramVersionRecord | None:
        row = self.session.get(ProgramVersionRow, (program_id, version))
        return None if row is None else ProgramVersionRecord.model_validate(row)
