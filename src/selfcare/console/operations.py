"""The console's operations: quarantined rows corrected and replayed, charging status,
rejected top-ups resent, reconciliation — each change audited with before and after.

A correction is the row as the operator edited it (JSON), sent through ordinary ingest
like `selfcare quarantine replay` does; the quarantined original is then removed. A
correction that is still not acceptable is quarantined anew with today's reason, so no
row is ever lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from selfcare.console.audit import audited
from selfcare.domain.ledger import Backlog, GrantRecord, GrantStatus
from selfcare.domain.records import QuarantinedRow
from selfcare.errors import InvalidInput
from selfcare.grants.charging import ChargingClient
from selfcare.grants.ledger import reconcile_ledger
from selfcare.grants.reconcile import ReconciliationReport
from selfcare.grants.resend import RESEND
from selfcare.ingest.outcome import IngestReport
from selfcare.ingest.service import Ingestor, ingest_rows
from selfcare.store.ports import UnitOfWork, UnitOfWorkFactory

MAX_ROW_CHARS = 60_000
SHOWN_GRANTS = 200


@dataclass(frozen=True, slots=True)
class Replayed:
    """What became of a replayed row: stored, a duplicate, or quarantined anew (`new_row`)."""

    report: IngestReport
    new_row: int | None

    @property
    def stored(self) -> bool:
        return self.report.accepted == 1


@dataclass(frozen=True, slots=True)
class ChargingStatus:
    """Grants by status (count, MB), the outbox backlog, and the rejected top-ups."""

    totals: dict[GrantStatus, tuple[int, int]]
    backlog: Backlog
    rejected: list[GrantRecord]


def quarantined_row(uow: UnitOfWorkFactory, row_id: int) -> QuarantinedRow | None:
    with uow(read_only=True) as work:
        return work.quarantine.get(row_id)


def replay_row(ingestor: Ingestor, *, row_id: int, corrected: str | None, actor: str) -> Replayed:
    """Send one quarantined row through ingest again, as it is or as corrected (audited).

    InvalidInput when the row is gone or the correction is not a JSON object (nothing
    changes then)."""
    row = quarantined_row(ingestor.uow, row_id)
    if row is None:
        raise InvalidInput(f"quarantine: no row {row_id} (replayed or removed already)")
    text = row.raw if corrected is None else corrected.strip()
    document = _json_object(text)
    report = ingest_rows(ingestor, [(row_id, document)], source=f"console replay by {actor}")
    before = {"raw": row.raw, "reason": row.reason, "field": row.field, "source": row.source}
    with ingestor.uow() as work:
        new_row = _requarantined(work, row_id, report)
        work.quarantine.delete([row_id])
        audited(
            work,
            actor=actor,
            action="quarantine_correct_replay" if corrected is not None else "quarantine_replay",
            target=f"quarantine row {row_id}",
            before=before,
            after={"raw": text, "outcome": _outcome(report), "new_row": new_row},
        )
        work.commit()
    return Replayed(report, new_row)


def _json_object(text: str) -> dict[str, Any]:
    if len(text) > MAX_ROW_CHARS:
        raise InvalidInput(f"the row has more than {MAX_ROW_CHARS} characters")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(value, dict):
        raise InvalidInput("not a JSON object: an event is {…}")
    return value


def _requarantined(work: UnitOfWork, old_id: int, report: IngestReport) -> int | None:
    """The id of the row that replay quarantined anew (newest with the old line number)."""
    if not report.quarantined:
        return None
    rows = work.quarantine.list_(limit=10_000)
    newest = [r for r in rows if r.line == old_id and r.source == report.source]
    return max((r.id or 0 for r in newest), default=None)


def _outcome(report: IngestReport) -> str:
    if report.accepted:
        return "stored"
    if report.duplicates:
        return "duplicate"
    return "quarantined: " + "; ".join(p.reason for p in report.quarantined)


def charging_status(uow: UnitOfWorkFactory, program_id: str) -> ChargingStatus:
    with uow(read_only=True) as work:
        totals = work.grants.totals_by_status(program_id)
        backlog = work.outbox.backlog()
        rejected = work.grants.list_(
            program_id=program_id, status=GrantStatus.REJECTED, limit=SHOWN_GRANTS
        )
    return ChargingStatus(totals, backlog, rejected)


def resend_rejected(
    uow: UnitOfWorkFactory,
    *,
    program_id: str,
    grant_ids: list[str],
    actor: str,
    now: datetime,
) -> list[str]:
    """Queue these rejected grants again under their own ids (empty list: all rejected).

    Grants not rejected (any more) are left alone; the ledger's grant audit and the
    console's audit both name the operator."""
    with uow() as work:
        rejected = work.grants.rejected(program_id=program_id, customer_id=None)
        chosen = [g for g in rejected if not grant_ids or g.grant_id in set(grant_ids)]
        ids = [g.grant_id for g in chosen]
        if ids:
            work.outbox.reopen(ids, now)
            work.grants.audit(ids, action=RESEND, actor=actor, at=now)
            audited(
                work,
                actor=actor,
                action="grants_resend",
                target=f"{len(ids)} rejected grants",
                before={g.grant_id: g.status.value for g in chosen},
                after=dict.fromkeys(ids, GrantStatus.PENDING.value),
                now=now,
            )
        work.commit()
    return ids


def reconciliation(
    uow: UnitOfWorkFactory, charging: ChargingClient, *, program_id: str
) -> ReconciliationReport:
    """The ledger compared with what the charging system reports applied (reads only)."""
    return reconcile_ledger(uow=uow, charging=charging, program_id=program_id)
