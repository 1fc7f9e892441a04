"""A pilot in the service's database: what `assign` and `invite` store, what `analyze` reads.

The frames the file commands write are turned into storage records here (one conversion
each way); the counting itself is DuckDB's over the rows the database selects.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from selfcare.domain.pilot_records import (
    AnalysisRecord,
    AssignmentRecord,
    InvitationRecord,
    PilotCounts,
)
from selfcare.domain.program import Program
from selfcare.errors import InvalidInput
from selfcare.pilot.counting import DEFAULT_LIMITS, Limits, measure_rows
from selfcare.pilot.invitations import code_hash
from selfcare.pilot.metrics import Measured, Window
from selfcare.store.ports import UnitOfWorkFactory


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PilotStore:
    """One pilot (by id) in the database behind `uow`."""

    uow: UnitOfWorkFactory
    pilot_id: str
    clock: Callable[[], datetime] = _now
    limits: Limits = DEFAULT_LIMITS

    def save_assignments(self, frame: pd.DataFrame) -> int:
        """Store the assignments; customers already in the pilot keep their arm. New rows."""
        records = [
            AssignmentRecord(
                pilot_id=self.pilot_id,
                customer_id=str(row.customer_id),
                arm=str(row.arm),
                stratum=str(row.stratum),
                wave=int(row.wave),
                assigned_at=date.fromisoformat(str(row.assigned_at)),
                mode=str(getattr(row, "mode", "ab")),
            )
            for row in frame.itertuples(index=False)
        ]
        with self.uow() as work:
            added = work.pilots.add_assignments(records)
            work.commit()
        return added

    def save_invitations(self, codes: pd.DataFrame) -> int:
        """Store the codes by hash, bound to their customer; new rows."""
        now = self.clock()
        records = [
            InvitationRecord(
                code_hash=code_hash(str(row.code)),
                pilot_id=self.pilot_id,
                customer_id=str(row.customer_id),
                expires_on=date.fromisoformat(str(row.expires_on)),
                issued_at=now,
            )
            for row in codes.itertuples(index=False)
        ]
        with self.uow() as work:
            added = work.pilots.add_invitations(records)
            work.commit()
        return added

    def assignments(self) -> pd.DataFrame:
        """The stored assignments in the file contract's columns."""
        with self.uow(read_only=True) as work:
            records = work.pilots.assignments(self.pilot_id)
        if not records:
            raise InvalidInput(f"pilot {self.pilot_id!r}: no assignments in the database")
        return pd.DataFrame(
            {
                "customer_id": pd.array([r.customer_id for r in records], dtype="string"),
                "arm": [r.arm for r in records],
                "stratum": [r.stratum for r in records],
                "wave": [r.wave for r in records],
                "assigned_at": [r.assigned_at.isoformat() for r in records],
                "mode": [r.mode for r in records],
            }
        )

    def measure(
        self,
        assignments: pd.DataFrame,
        program: Program,
        window: Window,
        complaint_codes: tuple[str, ...],
    ) -> Measured:
        """Count the outcomes over the events the database selects for this pilot."""
        end = window.instant(window.end).to_pydatetime()
        with self.uow(read_only=True) as work:
            return measure_rows(
                work.pilots.event_rows(self.pilot_id, before=end),
                assignments=assignments,
                program=program,
                window=window,
                complaint_codes=complaint_codes,
                limits=self.limits,
            )

    def save_analysis(self, document: dict[str, Any]) -> None:
        """Keep an analysis for the console's pilot page (the newest is shown)."""
        text = json.dumps(document, ensure_ascii=False, default=str)
        with self.uow() as work:
            work.pilots.add_analysis(AnalysisRecord(self.pilot_id, self.clock(), text))
            work.commit()

    def counts(self) -> PilotCounts:
        with self.uow(read_only=True) as work:
            return work.pilots.counts(self.pilot_id)
