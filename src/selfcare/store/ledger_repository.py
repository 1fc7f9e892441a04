"""Repositories of the grants ledger, its outbox and the budget counters.

The budget is enforced by the database: a conditional `UPDATE … WHERE spent + amount <=
limit` either reserves the whole amount or nothing, whatever runs concurrently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.orm import Session

from selfcare.domain.ledger import (
    TOTAL,
    Backlog,
    Budget,
    Claim,
    GrantAudit,
    GrantRecord,
    GrantStatus,
)
from selfcare.store.bulk_insert import append, insert_ignoring_conflicts, insert_new_copied
from selfcare.store.repository import chunks, table_of
from selfcare.store.tables import BudgetRow, BudgetSpendRow, GrantAuditRow, GrantRow, OutboxRow


def _records(rows: Iterable[GrantRow]) -> list[GrantRecord]:
    return [GrantRecord.model_validate(r) for r in rows]


def grant_values(grant: GrantRecord) -> dict[str, Any]:
    """The `grants` row of a new ledger entry (the one conversion into the table)."""
    return {
        "id": grant.grant_id,
        "program_id": grant.program_id,
        "customer_id": grant.customer_id,
        "reward": grant.reward,
        "period": grant.period,
        "amount_mb": grant.amount_mb,
        "granted_on": grant.granted_on,
        "status": grant.status.value,
        "hold_reason": grant.hold_reason,
        "created_at": grant.created_at,
        "confirmed_at": grant.confirmed_at,
        "charging_id": grant.charging_id,
        "program_digest": grant.program_digest,
    }


_GRANTS = table_of(GrantRow)
_FOR_CUSTOMER = (
    select(*_GRANTS.columns)
    .where(_GRANTS.c.customer_id == bindparam("customer_id"))
    .order_by(_GRANTS.c.granted_on, _GRANTS.c.reward, _GRANTS.c.period)
)


class SqlGrantRepository:
    """The ledger: one row per (program, customer, reward, period), never deleted."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def insert_new(self, grants: Sequence[GrantRecord]) -> set[str]:
        """Insert grants not in the ledger yet; return the ids this call inserted."""
        rows = [grant_values(g) for g in grants]
        # The id is derived from the ledger's other unique key, so a free id is (but for a
        # collision the fallback catches) a free grant: most are copied straight in.
        return insert_new_copied(self.session, table_of(GrantRow), rows, "id")

    def by_ids(self, grant_ids: Sequence[str]) -> dict[str, GrantRecord]:
        found: dict[str, GrantRecord] = {}
        for part in chunks(sorted(grant_ids)):
            query = select(GrantRow).where(GrantRow.id.in_(part))
            found.update((g.grant_id, g) for g in _records(self.session.scalars(query)))
        return found

    def for_customer(self, customer_id: str) -> list[GrantRecord]:
        """A progress lookup reads this on every request: one statement built once, rows
        read as plain tuples (no ORM objects) and converted straight into records."""
        rows = self.session.execute(_FOR_CUSTOMER, {"customer_id": customer_id}).mappings()
        return [GrantRecord.model_validate(dict(row)) for row in rows]

    def list_(
        self,
        *,
        program_id: str | None = None,
        status: GrantStatus | None = None,
        limit: int | None = None,
    ) -> list[GrantRecord]:
        query = select(GrantRow).order_by(GrantRow.granted_on, GrantRow.id)
        if program_id is not None:
            query = query.where(GrantRow.program_id == program_id)
        if status is not None:
            query = query.where(GrantRow.status == status)
        if limit is not None:
            query = query.limit(limit)
        return _records(self.session.scalars(query))

    def mark(
        self,
        grant_ids: Sequence[str],
        *,
        status: GrantStatus,
        hold_reason: str | None,
        released_at: datetime | None = None,
    ) -> None:
        """Set the status of grants (held for budget, released, …)."""
        values: dict[str, Any] = {"status": status.value, "hold_reason": hold_reason}
        if released_at is not None:
            values["released_at"] = released_at
        for part in chunks(sorted(grant_ids)):
            self.session.execute(update(GrantRow).where(GrantRow.id.in_(part)).values(**values))

    def rejected(self, *, program_id: str | None, customer_id: str | None) -> list[GrantRecord]:
        """Rejected grants (locked: two resends at once resend each grant once), by id."""
        query = (
            select(GrantRow)
            .where(GrantRow.status == GrantStatus.REJECTED.value)
            .order_by(GrantRow.id)
        )
        if program_id is not None:
            query = query.where(GrantRow.program_id == program_id)
        if customer_id is not None:
            query = query.where(GrantRow.customer_id == customer_id)
        return _records(self.session.scalars(query.with_for_update()))

    def audit(self, grant_ids: Sequence[str], *, action: str, actor: str, at: datetime) -> None:
        """Record who did `action` to these grants by hand, and when."""
        rows = [{"grant_id": g, "action": action, "actor": actor, "at": at} for g in grant_ids]
        append(self.session, table_of(GrantAuditRow), rows)

    def audit_of(self, grant_id: str) -> list[GrantAudit]:
        query = select(GrantAuditRow).where(GrantAuditRow.grant_id == grant_id)
        rows = self.session.scalars(query.order_by(GrantAuditRow.id))
        return [GrantAudit.model_validate(r) for r in rows]

    def held_in_order(self, program_id: str) -> list[GrantRecord]:
        """Held grants, locked, in the order they are released: due date, then id."""
        query = (
            select(GrantRow)
            .where(GrantRow.program_id == program_id, GrantRow.status == GrantStatus.HELD.value)
            .order_by(GrantRow.granted_on, GrantRow.id)
            .with_for_update()
        )
        return _records(self.session.scalars(query))

    def released_mb_by_day(self, program_id: str) -> dict[date, int]:
        """MB of every grant released for payment (all but held ones), per due date."""
        query = (
            select(GrantRow.granted_on, func.sum(GrantRow.amount_mb))
            .where(GrantRow.program_id == program_id, GrantRow.status != GrantStatus.HELD.value)
            .group_by(GrantRow.granted_on)
        )
        return {day: int(mb) for day, mb in self.session.execute(query)}

    def totals_by_status(self, program_id: str) -> dict[GrantStatus, tuple[int, int]]:
        """Per status: (number of grants, MB)."""
        query = (
            select(GrantRow.status, func.count(), func.coalesce(func.sum(GrantRow.amount_mb), 0))
            .where(GrantRow.program_id == program_id)
            .group_by(GrantRow.status)
        )
        found = self.session.execute(query)
        return {GrantStatus(status): (int(n), int(mb)) for status, n, mb in found}


class SqlOutboxRepository:
    """Top-ups waiting to be sent; rows are claimed with an expiring lease."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, grant_ids: Sequence[str], now: datetime) -> None:
        rows = [
            {"grant_id": g, "created_at": now, "available_at": now, "attempts": 0}
            for g in grant_ids
        ]
        append(self.session, table_of(OutboxRow), rows)

    def claim(self, relay_id: str, now: datetime, lease_until: datetime, limit: int) -> list[Claim]:
        """Claim up to `limit` open rows whose lease has expired (skipping rows other relays
        hold locked on PostgreSQL); the claim lasts until `lease_until`."""
        query = (
            select(OutboxRow.id)
            .where(OutboxRow.closed_at.is_(None), OutboxRow.available_at <= now)
            .order_by(OutboxRow.available_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(self.session.scalars(query))
        if not ids:
            return []
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(claimed_by=relay_id, available_at=lease_until, attempts=OutboxRow.attempts + 1)
        )
        rows = self.session.execute(
            select(OutboxRow.id, OutboxRow.attempts, GrantRow)
            .join(GrantRow, GrantRow.id == OutboxRow.grant_id)
            .where(OutboxRow.id.in_(ids))
            .order_by(OutboxRow.id)
        )
        return [
            Claim(int(outbox_id), int(attempts), GrantRecord.model_validate(grant))
            for outbox_id, attempts, grant in rows
        ]

    def confirm(
        self, outbox_id: int, grant_id: str, charging_id: str | None, now: datetime
    ) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(closed_at=now, sent_at=now, last_error=None)
        )
        self.session.execute(
            update(GrantRow)
            .where(GrantRow.id == grant_id)
            .values(status=GrantStatus.CONFIRMED.value, confirmed_at=now, charging_id=charging_id)
        )

    def reject(self, outbox_id: int, grant_id: str, error: str, now: datetime) -> None:
        """Close a row the charging system refused for good; the grant shows `rejected`."""
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(closed_at=now, last_error=error[:2000])
        )
        self.session.execute(
            update(GrantRow)
            .where(GrantRow.id == grant_id)
            .values(status=GrantStatus.REJECTED.value)
        )

    def reopen(self, grant_ids: Sequence[str], now: datetime) -> None:
        """Queue rejected grants again: their outbox rows open now (same grant id, so the
        same Idempotency-Key), the last error kept until the next answer replaces it."""
        for part in chunks(sorted(grant_ids)):
            self.session.execute(
                update(OutboxRow)
                .where(OutboxRow.grant_id.in_(part))
                .values(closed_at=None, claimed_by=None, available_at=now, attempts=0)
            )
            self.session.execute(
                update(GrantRow)
                .where(GrantRow.id.in_(part), GrantRow.status == GrantStatus.REJECTED.value)
                .values(status=GrantStatus.PENDING.value)
            )

    def release(self, outbox_id: int, error: str, retry_at: datetime) -> None:
        """Give a claimed row back after failing; it becomes available again at `retry_at`."""
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(claimed_by=None, available_at=retry_at, last_error=error[:2000])
        )

    def open_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.closed_at.is_(None))
        return self.session.scalar(query) or 0

    def backlog(self) -> Backlog:
        query = select(func.count(), func.min(OutboxRow.created_at)).where(
            OutboxRow.closed_at.is_(None)
        )
        count, oldest = self.session.execute(query).one()
        return Backlog(open=int(count or 0), oldest_created_at=oldest)


class SqlBudgetRepository:
    """Budget limits per program and the MB reserved against them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, program_id: str) -> Budget | None:
        row = self.session.get(BudgetRow, program_id, populate_existing=True)
        return None if row is None else Budget.model_validate(row)

    def put(
        self,
        program_id: str,
        *,
        total_mb: int | None,
        monthly_mb: int | None,
        now: datetime,
        only_if_missing: bool = False,
    ) -> None:
        values = {
            "program_id": program_id,
            "total_mb": total_mb,
            "monthly_mb": monthly_mb,
            "updated_at": now,
        }
        statement = insert_ignoring_conflicts(self.session, table_of(BudgetRow))
        self.session.execute(statement, [values])
        if only_if_missing:
            return
        self.session.execute(
            update(BudgetRow)
            .where(BudgetRow.program_id == program_id)
            .values(total_mb=total_mb, monthly_mb=monthly_mb, updated_at=now)
        )

    def reserve(self, program_id: str, period: str, amount_mb: int) -> bool:
        """Add `amount_mb` to the spend of `period` (`total` or `YYYY-MM`) if it stays within
        the budget's limit for it; atomic, and it reads the limit in the same statement."""
        limit_column = BudgetRow.total_mb if period == TOTAL else BudgetRow.monthly_mb
        limit = select(limit_column).where(BudgetRow.program_id == program_id).scalar_subquery()
        statement = insert_ignoring_conflicts(self.session, table_of(BudgetSpendRow))
        self.session.execute(
            statement, [{"program_id": program_id, "period": period, "spent_mb": 0}]
        )
        result = cast(
            "CursorResult[Any]",
            self.session.execute(
                update(BudgetSpendRow)
                .where(BudgetSpendRow.program_id == program_id, BudgetSpendRow.period == period)
                .where(BudgetSpendRow.spent_mb + amount_mb <= limit)
                .values(spent_mb=BudgetSpendRow.spent_mb + amount_mb)
            ),
        )
        return result.rowcount == 1

    def unreserve(self, program_id: str, period: str, amount_mb: int) -> None:
        self.session.execute(
            update(BudgetSpendRow)
            .where(BudgetSpendRow.program_id == program_id, BudgetSpendRow.period == period)
            .values(spent_mb=BudgetSpendRow.spent_mb - amount_mb)
        )

    def lock_spent(self, program_id: str) -> None:
        """Lock the spend counters (PostgreSQL) so no reservation runs while they are
        recounted; reservations that started earlier finish first."""
        query = (
            select(BudgetSpendRow.period)
            .where(BudgetSpendRow.program_id == program_id)
            .with_for_update()
        )
        self.session.execute(query).all()

    def set_spent(self, program_id: str, spent: dict[str, int]) -> None:
        """Replace the spend counters with recounted values (periods not named become 0)."""
        self.session.execute(
            update(BudgetSpendRow).where(BudgetSpendRow.program_id == program_id).values(spent_mb=0)
        )
        rows = [{"program_id": program_id, "period": p, "spent_mb": 0} for p in spent]
        if rows:
            self.session.execute(
                insert_ignoring_conflicts(self.session, table_of(BudgetSpendRow)), rows
            )
        for period, mb in spent.items():
            self.session.execute(
                update(BudgetSpendRow)
                .where(BudgetSpendRow.program_id == program_id, BudgetSpendRow.period == period)
                .values(spent_mb=mb)
            )

    def spent(self, program_id: str) -> dict[str, int]:
        query = select(BudgetSpendRow.period, BudgetSpendRow.spent_mb).where(
            BudgetSpendRow.program_id == program_id
        )
        return {period: int(mb) for period, mb in self.session.execute(query)}
