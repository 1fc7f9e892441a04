"""Request and response schemas of the JSON API (*Create in, *Read out).

Progress keeps the snake_case field names of `selfcare evaluate --format json` on purpose:
a customer's progress from the API is the same document as from the command line.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from selfcare.domain.events import MAX_ID_LENGTH, MAX_TEXT_LENGTH, Direction, EventType
from selfcare.domain.ledger import GrantStatus
from selfcare.domain.progress import CallResult, Grant, PendingGrant, StreakStatus

NOT_BLANK = r"\S"  # ids are trimmed, so one visible character is needed


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventCreate(_Schema):
    """One event as the operator's systems send it (ARCHITECTURE.md, Events)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "event_id": "crm-4711",
                    "customer_id": "c1",
                    "type": "portal_registered",
                    "occurred_at": "2026-01-06T10:00:00+01:00",
                },
                {
                    "event_id": "ivr-0815",
                    "customer_id": "c1",
                    "type": "hotline_call",
                    "occurred_at": "2026-01-20T09:12:00+01:00",
                    "reason_code": "VVL",
                    "text": "Ich möchte meinen Vertrag verlängern",
                },
            ]
        },
    )

    event_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=NOT_BLANK)
    customer_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=NOT_BLANK)
    type: EventType
    occurred_at: datetime = Field(description="ISO 8601 with offset or Z.")
    recorded_at: datetime | None = Field(
        default=None,
        description="When the sender learned of it; kept only from a key with the scope "
        "events:backfill, otherwise the time the service received it.",
    )
    reason_code: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    text: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)
    direction: Direction = Direction.INBOUND
    reached_agent: bool = True


class EventAcceptedRead(_Schema):
    """The answer to one event: `created` (201) or `duplicate` (200, already stored)."""

    event_id: str
    status: Literal["created", "duplicate"]
    grants: int = Field(description="New grants this event made due.")
    held: int = Field(description="Of those, held for lack of budget.")
    recorded_at_ignored: bool = Field(
        default=False,
        description="The sent recorded_at was replaced by the time of receipt "
        "(the key lacks events:backfill).",
    )
    notes: list[str] = Field(default_factory=list)


class RowResultRead(_Schema):
    """What became of one row of a batch (`line`: 1-based line or array position)."""

    line: int
    event_id: str | None = None
    status: Literal["stored", "duplicate", "conflict", "quarantined"]
    field: str | None = None
    reason: str | None = None


class ConflictRead(_Schema):
    """An event id already stored with other content: the fields that differ (names only;
    the stored values are not shown to a writer)."""

    event_id: str
    line: int
    fields: list[str]


class BatchResultRead(_Schema):
    """The result of a batch: counts and one entry per row, in input order."""

    received: int
    accepted: int
    duplicates: int
    conflicts: list[ConflictRead]
    quarantined: int
    grants: int
    held: int
    rows: list[RowResultRead]
    recorded_at_ignored: int = Field(
        default=0,
        description="Rows whose recorded_at was replaced by the time of receipt "
        "(the key lacks events:backfill).",
    )
    notes: list[str] = Field(default_factory=list)


class StreakSummaryRead(BaseModel):
    """The program's streak as `selfcare evaluate` shows it (`streak`)."""

    reward: str | None = None
    status: StreakStatus
    window_start: date | None = None
    completes_on: date | None = None
    broken_by: str | None = None
    completed_windows: int | None = None
    explanation: str | None = None


class StreakRead(BaseModel):
    reward: str
    status: StreakStatus
    window_start: date | None
    completes_on: date | None
    broken_by: str | None
    completed_windows: int
    explanation: str


class MilestoneRead(_Schema):
    """The next bonus to look forward to; `on` is null for a task doable any day."""

    kind: Literal["grant_due", "streak_completes", "task_open"]
    reward: str
    amount_mb: int
    on: date | None
    explanation: str


class RejectedGrantRead(_Schema):
    """A due grant whose top-up the charging system refused: not earned until resent."""

    reward: str
    amount_mb: int
    granted_on: date
    period: str
    status: Literal["rejected"]
    explanation: str


class ProgressRead(BaseModel):
    """One customer's entry of `selfcare evaluate --format json`, plus `as_of` and the
    next milestone."""

    as_of: date
    customer_id: str
    enrolled_on: date | None
    earned_mb: int
    grants: list[Grant]
    pending: list[PendingGrant]
    streaks: list[StreakRead]
    streak: StreakSummaryRead
    calls: list[CallResult]
    conflicting_event_ids: list[str]
    rejected: list[RejectedGrantRead] = Field(
        description="Due grants the charging system refused: not in `grants` or `earned_mb`."
    )
    next_milestone: MilestoneRead | None


class GrantRead(_Schema):
    """A ledger entry: due bonus and whether it reached the charging system."""

    id: str
    reward: str
    amount_mb: int
    granted_on: date
    period: str
    status: GrantStatus
    hold_reason: str | None
    confirmed_at: datetime | None


class CustomerGrantsRead(_Schema):
    customer_id: str
    grants: list[GrantRead]


class HeldGrantRead(GrantRead):
    customer_id: str


class HeldGrantsRead(_Schema):
    """Grants waiting for budget, in the order they will be released."""

    held: list[HeldGrantRead]


class TimelineEntryRead(_Schema):
    """One thing that happened: an event (calls with their verdict) or a granted bonus."""

    kind: Literal["event", "grant"]
    day: date = Field(description="Local day in the program's time zone.")
    at: datetime | None = None
    event_id: str | None = None
    type: str | None = None
    call: CallResult | None = None
    grant: GrantRead | None = None


class TimelineRead(_Schema):
    customer_id: str
    as_of: date
    entries: list[TimelineEntryRead]


class QuarantineRead(_Schema):
    id: int
    source: str
    line: int | None
    field: str
    reason: str
    raw: str
    event_id: str | None
    received_at: datetime


class QuarantinePageRead(_Schema):
    total: int
    items: list[QuarantineRead]


class CustomerTokenCreate(_Schema):
    ttl_days: int = Field(default=30, ge=1, le=366)


class CustomerTokenRead(_Schema):
    """A new customer token: shown once, stored only as a hash; `id` names it for revoking."""

    id: str
    customer_id: str
    token: str
    expires_at: datetime


class HealthRead(_Schema):
    status: Literal["ok"]
    database: Literal["ok"]
    program: str


class BudgetRead(_Schema):
    """The budget in force (null: no limit), what is reserved, and what is held."""

    program_id: str
    total_mb: int | None
    monthly_mb: int | None
    spent_total_mb: int
    spent_by_month: dict[str, int]
    held_grants: int
    held_mb: int
