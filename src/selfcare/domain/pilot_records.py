"""What storage keeps of a pilot: who is in which arm, and which invitation codes went out.

Codes are kept only as a hash of their normalised text (like API keys): a leaked table
lets nobody sign up in a customer's name. The raw codes go only to the mail-merge CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    """One customer's arm in one pilot; never moved once stored (later waves only add)."""

    pilot_id: str
    customer_id: str
    arm: str  # control | treatment
    stratum: str
    wave: int
    assigned_at: date
    mode: str = "ab"  # ab | aa (an A/A test invites nobody)


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    """An issued invitation code (by hash), bound to one customer; used once at most."""

    code_hash: str
    pilot_id: str
    customer_id: str
    expires_on: date
    issued_at: datetime
    accepted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PilotCounts:
    """The pilot at a glance: customers per arm, invitations sent and accepted."""

    arms: dict[str, int]
    invitations_sent: int
    invitations_accepted: int


@dataclass(frozen=True, slots=True)
class AnalysisRecord:
    """One stored analysis: its JSON document as `pilot analyze` printed it."""

    pilot_id: str
    analysed_at: datetime
    document: str
