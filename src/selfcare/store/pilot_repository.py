"""A pilot in the service's database: arms, invitation codes (by hash) and their use.

The guarantees live in the database: a customer is stored in one arm per pilot (the key;
a later wave's insert of the same customer is ignored, so raising the exposure never moves
anyone), and a code is accepted once (a conditional update that only an open code of that
customer matches).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from selfcare.domain.pilot_records import (
    AnalysisRecord,
    AssignmentRecord,
    InvitationRecord,
    PilotCounts,
)
from selfcare.store.bulk_insert import insert_ignoring_conflicts
from selfcare.store.repository import pages_by_event_id
from selfcare.store.tables import (
    EventRow,
    PilotAnalysisRow,
    PilotAssignmentRow,
    PilotInvitationRow,
)

CHUNK = 5_000
ASSIGNMENTS: Table = PilotAssignmentRow.__table__  # type: ignore[assignment]
INVITATIONS: Table = PilotInvitationRow.__table__  # type: ignore[assignment]
EVENT_COLUMNS = (
    "event_id",
    "customer_id",
    "type",
    "occurred_at",
    "reason_code",
    "text",
    "direction",
    "reached_agent",
)


class SqlPilotRepository:
    """Assignments and invitations of pilots, by pilot id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_assignments(self, rows: Sequence[AssignmentRecord]) -> int:
        return self._insert(ASSIGNMENTS, [asdict(r) for r in rows])

    def add_invitations(self, rows: Sequence[InvitationRecord]) -> int:
        return self._insert(INVITATIONS, [asdict(r) for r in rows])

    def _insert(self, target: Table, rows: list[dict[str, object]]) -> int:
        """Insert in chunks, skipping keys already stored; how many rows were new (counted,
        as drivers differ in what a multi-row insert reports)."""
        before = self._count(target)
        statement = insert_ignoring_conflicts(self.session, target)
        for start in range(0, len(rows), CHUNK):
            self.session.execute(statement, rows[start : start + CHUNK])
        return self._count(target) - before

    def _count(self, target: Table) -> int:
        return int(self.session.execute(select(func.count()).select_from(target)).scalar_one())

    def assignments(self, pilot_id: str) -> list[AssignmentRecord]:
        query = (
            select(PilotAssignmentRow)
            .where(PilotAssignmentRow.pilot_id == pilot_id)
            .order_by(PilotAssignmentRow.customer_id)
        )
        return [_assignment(row) for row in self.session.scalars(query)]

    def invitation(self, code_hash: str) -> InvitationRecord | None:
        row = self.session.get(PilotInvitationRow, code_hash)
        return None if row is None else _invitation(row)

    def accept(self, code_hash: str, customer_id: str, at: datetime) -> bool:
        result = self.session.execute(
            update(PilotInvitationRow)
            .where(
                PilotInvitationRow.code_hash == code_hash,
                PilotInvitationRow.customer_id == customer_id,
                PilotInvitationRow.accepted_at.is_(None),
            )
            .values(accepted_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def counts(self, pilot_id: str) -> PilotCounts:
        arms = self.session.execute(
            select(PilotAssignmentRow.arm, func.count())
            .where(PilotAssignmentRow.pilot_id == pilot_id)
            .group_by(PilotAssignmentRow.arm)
        )
        sent, accepted = self.session.execute(
            select(func.count(), func.count(PilotInvitationRow.accepted_at)).where(
                PilotInvitationRow.pilot_id == pilot_id
            )
        ).one()
        return PilotCounts({arm: int(n) for arm, n in arms}, int(sent), int(accepted))

    def pilots(self) -> list[str]:
        query = select(PilotAssignmentRow.pilot_id).distinct().order_by(PilotAssignmentRow.pilot_id)
        return list(self.session.scalars(query))

    def add_analysis(self, analysis: AnalysisRecord) -> None:
        self.session.add(PilotAnalysisRow(**asdict(analysis)))

    def latest_analysis(self, pilot_id: str) -> AnalysisRecord | None:
        query = (
            select(PilotAnalysisRow)
            .where(PilotAnalysisRow.pilot_id == pilot_id)
            .order_by(PilotAnalysisRow.analysed_at.desc(), PilotAnalysisRow.id.desc())
            .limit(1)
        )
        row = self.session.scalars(query).first()
        if row is None:
            return None
        return AnalysisRecord(row.pilot_id, row.analysed_at, row.document)

    def event_rows(self, pilot_id: str, *, before: datetime) -> Iterator[list[tuple[object, ...]]]:
        """The assigned customers' events before `before`, in chunks of rows with the fields
        of EVENT_COLUMNS: the database filters, the pilot's counting aggregates. Pages by
        event id (the primary key), so no server-side cursor or long transaction is needed."""
        assigned = select(PilotAssignmentRow.customer_id).where(
            PilotAssignmentRow.pilot_id == pilot_id
        )
        query = select(*(getattr(EventRow, name) for name in EVENT_COLUMNS)).where(
            EventRow.customer_id.in_(assigned), EventRow.occurred_at < before
        )
        for rows in pages_by_event_id(self.session, query, lambda row: str(row[0]), CHUNK):
            yield [tuple(row) for row in rows]


def _assignment(row: PilotAssignmentRow) -> AssignmentRecord:
    return AssignmentRecord(
        pilot_id=row.pilot_id,
        customer_id=row.customer_id,
        arm=row.arm,
        stratum=row.stratum,
        wave=row.wave,
        assigned_at=row.assigned_at,
        mode=row.mode,
    )


def _invitation(row: PilotInvitationRow) -> InvitationRecord:
    return InvitationRecord(
        code_hash=row.code_hash,
        pilot_id=row.pilot_id,
        customer_id=row.customer_id,
        expires_on=row.expires_on,
        issued_at=row.issued_at,
        accepted_at=row.accepted_at,
    )
