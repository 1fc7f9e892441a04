"""The grants ledger's vocabulary: a grant's status, its record, a budget and a claim.

Storage keeps and hands back these records; services, API schemas and pages all speak of
a grant's status through the one `GrantStatus` enum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

TOTAL = "total"  # the budget period that is not a month
BUDGET_EXHAUSTED = "budget_exhausted"  # the hold reason of a grant waiting for budget


class GrantStatus(StrEnum):
    """Where a grant stands: queued, waiting for budget, paid, or refused for good."""

    PENDING = "pending"
    HELD = "held"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class GrantRecord(BaseModel):
    """A ledger entry as storage keeps it and services hand it out.

    Built from a stored row by attribute (`model_validate(row)`): the row's `id` is the
    record's `grant_id`, so no field is copied by hand.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    grant_id: str = Field(validation_alias=AliasChoices("grant_id", "id"))
    program_id: str
    customer_id: str
    reward: str
    period: str
    amount_mb: int
    granted_on: date
    status: GrantStatus
    hold_reason: str | None = None
    created_at: datetime
    confirmed_at: datetime | None = None
    charging_id: str | None = None
    program_digest: str | None = None  # the program version that made it (None: before 0007)


class GrantAudit(BaseModel):
    """Who did what to a grant by hand, and when (e.g. `resend` of a rejected top-up)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    grant_id: str
    action: str
    actor: str
    at: datetime


class Budget(BaseModel):
    """The operator's data budget of a program, in MB (None: no limit)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    program_id: str
    total_mb: int | None
    monthly_mb: int | None

    @property
    def limited(self) -> bool:
        """Whether any limit applies at all."""
        return self.total_mb is not None or self.monthly_mb is not None


@dataclass(frozen=True, slots=True)
class Backlog:
    """The outbox at a glance: top-ups not yet closed, and when the oldest was queued."""

    open: int
    oldest_created_at: datetime | None


@dataclass(frozen=True, slots=True)
class Claim:
    """An outbox entry leased to one relay: its id, how often it was tried, its grant."""

    outbox_id: int
    attempts: int
    grant: GrantRecord
