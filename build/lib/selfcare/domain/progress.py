"""What a customer has earned, what is pending and why: the result types of the evaluator."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class StreakStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    BROKEN = "broken"
    FORFEITED = "forfeited"
    NOT_ENROLLED = "not_enrolled"


class Grant(_Value):
    """A bonus due to the customer: exactly once per (customer, reward, period)."""

    reward: str
    amount_mb: int
    granted_on: date
    period: str


class PendingGrant(_Value):
    """A bonus earned but not yet due (settlement grace) or held back (cap), with the reason."""

    reward: str
    amount_mb: int
    period: str
    due_on: date | None
    reason: str
    explanation: str


class StreakProgress(_Value):
    """Where the no-hotline window of one streak reward stands."""

    reward: str
    status: StreakStatus
    window_start: date | None = None
    completes_on: date | None = None
    broken_by: str | None = None
    completed_windows: int = 0
    explanation: str = ""


class CallResult(_Value):
    """One contact of the customer with its verdict: did it count, and why."""

    event_id: str
    occurred_at: datetime
    category: str
    counts: bool
    rule: str
    explanation: str
    matched: tuple[str, ...] = ()


class CustomerProgress(_Value):
    """Everything one customer has earned and why, as of a day."""

    customer_id: str
    enrolled_on: date | None
    earned_mb: int
    grants: tuple[Grant, ...]
    pending: tuple[PendingGrant, ...]
    streaks: tuple[StreakProgress, ...]
    calls: tuple[CallResult, ...]
    conflicting_event_ids: tuple[str, ...] = ()

    @property
    def streak(self) -> StreakProgress | None:
        """The program's (first) streak reward, the one the JSON contract names `streak`."""
        return self.streaks[0] if self.streaks else None


class Progress(_Value):
    """The evaluation of a whole program as of a day, customers sorted by id."""

    as_of: date
    customers: tuple[CustomerProgress, ...]


def customer_to_json(customer: CustomerProgress) -> dict[str, object]:
    """One customer in the stable JSON contract of `selfcare evaluate` (ARCHITECTURE.md)."""
    data = customer.model_dump(mode="json")
    streak = customer.streak
    data["streak"] = (
        streak.model_dump(mode="json")
        if streak is not None
        else {
            "status": StreakStatus.NOT_ENROLLED.value,
            "window_start": None,
            "completes_on": None,
            "broken_by": None,
        }
    )
    return data


def progress_to_json(progress: Progress) -> dict[str, object]:
    """The whole evaluation as the JSON document `selfcare evaluate --format json` prints."""
    return {
        "as_of": progress.as_of.isoformat(),
        "customers": [customer_to_json(c) for c in progress.customers],
    }
