"""What happened to a customer: the events the evaluator folds over."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class EventType(StrEnum):
    """The kinds of things the program listens to (see ARCHITECTURE.md, Events)."""

    INVITATION_ACCEPTED = "invitation_accepted"
    PORTAL_REGISTERED = "portal_registered"
    APP_FIRST_LOGIN = "app_first_login"
    BILL_VIDEO_COMPLETED = "bill_video_completed"
    HOTLINE_CALL = "hotline_call"
    CHAT_CONTACT = "chat_contact"
    SPEEDCHECK_DEVIATION = "speedcheck_deviation"
    NETWORK_OUTAGE = "network_outage"
    CONTRACT_ENDED = "contract_ended"


CONTACT_TYPES = frozenset({EventType.HOTLINE_CALL, EventType.CHAT_CONTACT})
DIAGNOSIS_TYPES = frozenset({EventType.SPEEDCHECK_DEVIATION, EventType.NETWORK_OUTAGE})


class Direction(StrEnum):
    """Who started a contact: only inbound contacts can count against a streak."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


MAX_ID_LENGTH = 128
MAX_TEXT_LENGTH = 4000


class Event(BaseModel):
    """One fact about one customer, immutable once recorded.

    `recorded_at` is when selfcare learned of the event (defaults to `occurred_at`); it lets
    a late call break a streak before settlement but never claw back a granted bonus.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    event_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    customer_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    type: EventType
    occurred_at: datetime
    recorded_at: datetime | None = None
    reason_code: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    text: str | None = Field(default=None, max_length=MAX_TEXT_LENGTH)
    direction: Direction = Direction.INBOUND
    reached_agent: bool = True

    @field_validator("occurred_at", "recorded_at")
    @classmethod
    def _must_have_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            msg = "needs a time zone offset, e.g. 2025-05-31T10:00:00+02:00 or ...Z"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _recorded_not_before_occurred(self) -> Event:
        if self.recorded_at is not None and self.recorded_at < self.occurred_at:
            msg = "recorded_at lies before occurred_at"
            raise ValueError(msg)
        return self

    @property
    def known_at(self) -> datetime:
        """When selfcare knew of the event: the moment it may influence a decision."""
        return self.recorded_at or self.occurred_at

    @property
    def is_contact(self) -> bool:
        return self.type in CONTACT_TYPES
