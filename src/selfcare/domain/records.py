"""What storage keeps besides the ledger: events as stored, quarantined rows, customer
states, credentials (keys, tokens, browser sessions) and speed-check contracts.

Repositories take and return these records, never table rows, so a service reads the
same values from the database as from the in-memory fake of the unit tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from selfcare.domain.events import Event
from selfcare.domain.speedcheck.models import Contract


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An accepted event with what idempotency needs: the fingerprint of its content as
    sent and whether the sender gave `recorded_at` (else ingest filled it in)."""

    event: Event
    fingerprint: str
    recorded_at_sent: bool
    source: str
    received_at: datetime


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class QuarantinedRow(_Record):
    """A row that was not accepted, as sent, with the reason; `id` once stored."""

    id: int | None = None
    source: str
    line: int | None
    field: str
    reason: str
    raw: str
    event_id: str | None
    received_at: datetime


class Snapshot(_Record):
    """A customer's last projection (JSON) and the days it answers for."""

    progress: str
    progress_as_of: date
    valid_through: date | None


def snapshot_answers(
    progress: str | None, progress_as_of: date | None, valid_through: date | None, as_of: date
) -> bool:
    """Whether a stored snapshot is the answer for `as_of` as it stands."""
    if progress is None or progress_as_of is None or as_of < progress_as_of:
        return False
    return valid_through is None or as_of <= valid_through


class StoredProgress(_Record):
    """A customer's stored projection as a lookup reads it, in one consistent read: the
    snapshot (live verdicts only), the frozen verdicts (JSON, in order) and, when asked
    for, the checkpoint; never more than the lookup needs."""

    progress: str | None
    progress_as_of: date | None
    valid_through: date | None
    event_count: int
    calls: tuple[str, ...] = ()
    state: str | None = None

    def answers(self, as_of: date) -> bool:
        return snapshot_answers(self.progress, self.progress_as_of, self.valid_through, as_of)


class CustomerStateRecord(_Record):
    """The evaluator's fold of one customer under one program (JSON), with its snapshot."""

    program_id: str
    customer_id: str
    state: str
    event_count: int
    progress: str | None = None
    progress_as_of: date | None = None
    valid_through: date | None = None
    updated_at: datetime

    def answers(self, as_of: date) -> bool:
        """Whether the stored snapshot is the answer for `as_of` as it stands."""
        return snapshot_answers(self.progress, self.progress_as_of, self.valid_through, as_of)


class ApiKeyRecord(_Record):
    """An operator API key as stored: its hash and scopes (comma-separated), never the key."""

    id: str
    name: str
    key_hash: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None = None


ACCESS_TOKEN = "access"  # noqa: S105 (a purpose, not a secret)
LOGIN_LINK = "login_link"


class CustomerTokenRecord(_Record):
    """A customer token as stored: its hash, bound to one customer; `purpose` says whether
    it reads the API (`access`) or opens one browser session once (`login_link`, spent
    at `used_at`)."""

    id: str
    customer_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    purpose: str = ACCESS_TOKEN
    used_at: datetime | None = None


class CustomerSessionRecord(_Record):
    """A browser session of the speed check pages as stored: the SHA-256 of its id, the
    customer and the token it was opened with; `ended_at` once logged out or revoked."""

    id: str
    session_hash: str
    customer_id: str
    token_id: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredContract:
    """A customer's speed-check contract figures and when the operator set them."""

    contract: Contract
    updated_at: datetime
