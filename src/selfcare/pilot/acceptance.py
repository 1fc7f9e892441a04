"""Accepting an invitation: the code judged, used once, and the acceptance recorded.

The order matters. A code is judged without the store first (a typo costs no lookup),
then against the stored issue (whose customer, used or not). An accepted code records
`invitation_accepted` through ingest (event id derived from the code, so a retry is a
no-op) and is then marked used by a conditional update: of two tabs submitting at once,
one wins and the other is told "already used", and the event exists once. A code that
was signed with our secret but never stored (invitations sent from the CSV only) is stored
on first use, so it is single-use all the same.

Attempts are throttled per client and per code before anything else: thirty bits of MAC
leave a guesser one chance in a billion per try only while tries stay few.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from selfcare.domain.calendar import local_date
from selfcare.domain.pilot_records import InvitationRecord
from selfcare.ingest.service import Ingestor, ingest_event
from selfcare.pilot.invitations import (
    EPOCH,
    MESSAGES,
    Outcome,
    code_hash,
    expiry_of,
    normalise,
    verify,
)
from selfcare.store.ports import UnitOfWork

UNSTORED_PILOT = "pilot"  # the pilot a signed but unstored code is filed under


class Throttle(Protocol):
    """Seconds until the next attempt of this kind and key is allowed; 0 takes it now."""

    def __call__(self, kind: str, key: str) -> float: ...


@dataclass(frozen=True, slots=True)
class Acceptance:
    """What became of a presented code, with the seconds to wait when throttled."""

    outcome: Outcome
    retry_after: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPTED

    def message(self, lang: str) -> str:
        return MESSAGES[self.outcome]["en" if lang == "en" else "de"]


@dataclass(frozen=True)
class Invitations:
    """Everything acceptance needs, wired once (bootstrap or the web app)."""

    uow: Callable[..., UnitOfWork]
    ingestor: Ingestor
    secret: bytes
    throttle: Throttle | None = None


def accept_invitation(
    invitations: Invitations, *, customer_id: str, code: str, client: str
) -> Acceptance:
    """Judge `code` for this customer and, when it is good, accept it once."""
    wait = _throttled(invitations.throttle, client=client, code=normalise(code))
    if wait > 0:
        return Acceptance(Outcome.RATE_LIMITED, wait)
    now = invitations.ingestor.clock()
    today = local_date(now, invitations.ingestor.pinned().program.zone)
    digest = code_hash(code)
    with invitations.uow(read_only=True) as work:
        stored = work.pilots.invitation(digest)
    outcome = verify(
        code,
        secret=invitations.secret,
        customer_id=customer_id,
        today=today,
        issued_to=None if stored is None else stored.customer_id,
        used=stored is not None and stored.accepted_at is not None,
    )
    if outcome is not Outcome.ACCEPTED:
        return Acceptance(outcome)
    _record(invitations.ingestor, customer_id=customer_id, digest=digest, now=now)
    return Acceptance(_mark_used(invitations, stored, customer_id, code, now))


def _throttled(throttle: Throttle | None, *, client: str, code: str) -> float:
    if throttle is None:
        return 0.0
    return max(throttle("join_client", client), throttle("join_code", code))


def _record(ingestor: Ingestor, *, customer_id: str, digest: str, now: datetime) -> None:
    """The acceptance as an event: enrollment starts here (DOMAIN.md)."""
    event = {
        "event_id": f"invitation-accepted-{digest[:32]}",
        "customer_id": customer_id,
        "type": "invitation_accepted",
        "occurred_at": now.isoformat(),
    }
    ingest_event(ingestor, event, source="join")


def _mark_used(
    invitations: Invitations,
    stored: InvitationRecord | None,
    customer_id: str,
    code: str,
    now: datetime,
) -> Outcome:
    digest = code_hash(code)
    with invitations.uow() as work:
        if stored is None:
            issued = InvitationRecord(
                code_hash=digest,
                pilot_id=UNSTORED_PILOT,
                customer_id=customer_id,
                expires_on=expiry_of(code) or EPOCH,
                issued_at=now,
            )
            work.pilots.add_invitations([issued])
        won = work.pilots.accept(digest, customer_id, now)
        work.commit()
    return Outcome.ACCEPTED if won else Outcome.ALREADY_USED
