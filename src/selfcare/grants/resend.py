"""Resending rejected top-ups by hand, once the operator has fixed why they were refused.

A rejected grant stays in the ledger (it was earned); the charging system said no. When
the cause is gone (a customer account fixed, a product re-provisioned), the operator
queues the grants again: each keeps its id, so the top-up carries the same
`Idempotency-Key` and is applied at most once however often it is resent. Each resend is
recorded in the grant's audit with who asked and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from selfcare.domain.ledger import GrantStatus
from selfcare.errors import InvalidInput
from selfcare.store.ports import UnitOfWork

RESEND = "resend"
RESENDABLE = (GrantStatus.REJECTED.value,)


@dataclass(frozen=True, slots=True)
class Resent:
    """The grants queued again (empty when none matched: resending twice is a no-op)."""

    grant_ids: tuple[str, ...]
    amount_mb: int


def resend_grants(
    *,
    uow: Callable[..., UnitOfWork],
    status: str,
    actor: str,
    now: datetime,
    program_id: str | None = None,
    customer_id: str | None = None,
) -> Resent:
    """Queue every grant in `status` (only `rejected`) again, audited as done by `actor`."""
    if status not in RESENDABLE:
        raise InvalidInput(f"--status: {status!r} cannot be resent; use {', '.join(RESENDABLE)}")
    if not actor.strip():
        raise InvalidInput("--by: say who resends (a name for the audit)")
    with uow() as work:
        grants = work.grants.rejected(program_id=program_id, customer_id=customer_id)
        ids = [g.grant_id for g in grants]
        work.outbox.reopen(ids, now)
        work.grants.audit(ids, action=RESEND, actor=actor.strip(), at=now)
        work.commit()
    return Resent(tuple(ids), sum(g.amount_mb for g in grants))
