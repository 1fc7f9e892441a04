"""The audit log of operator actions: who, what, on which object, when, before and after.

"When" is wall-clock time (UTC), the moment the operator acted, not the program's clock.

Services call `audited(...)` inside the unit of work that makes the change, so an action
and its entry commit together; an action that fails leaves no entry claiming it happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from selfcare.domain.operators import AuditEntry
from selfcare.store.ports import UnitOfWork, UnitOfWorkFactory

MAX_STATE_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class AuditPage:
    total: int
    entries: list[AuditEntry]


def as_text(value: Any) -> str | None:
    """A before/after state as stored: text as is, anything else as sorted JSON."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text[:MAX_STATE_CHARS]


def audited(
    work: UnitOfWork,
    *,
    actor: str,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
    now: datetime | None = None,
) -> None:
    """Add an entry to the unit of work (committed with the change it describes)."""
    work.console.audit(
        AuditEntry(
            at=now or datetime.now(UTC),
            actor=actor,
            action=action,
            target=target[:300],
            before=as_text(before),
            after=as_text(after),
        )
    )


def record(uow: UnitOfWorkFactory, **entry: Any) -> None:
    """Audit an action that has its own transactions (a login, a replay through ingest)."""
    with uow() as work:
        audited(work, **entry)
        work.commit()


def audit_page(uow: UnitOfWorkFactory, *, limit: int = 100, offset: int = 0) -> AuditPage:
    """Newest entries first."""
    with uow(read_only=True) as work:
        return AuditPage(
            work.console.audit_count(), work.console.audit_log(limit=limit, offset=offset)
        )
