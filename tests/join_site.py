"""Shared by the sign-up page tests: a service with an invitation secret, issued codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from selfcare.auth.service import create_customer_token
from selfcare.bootstrap import App
from selfcare.domain.pilot_records import InvitationRecord
from selfcare.pilot.invitations import code_hash, issue

SECRET = "a-join-secret-for-tests-only"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
VALID_UNTIL = date(2026, 3, 31)


@dataclass(frozen=True)
class Codes:
    """Codes issued and stored as `pilot invite --database-url` would."""

    anna: str
    ben: str
    expired: str
    forged: str


def issue_codes(app: App) -> Codes:
    def stored(customer: str, expires: date, nonce: int) -> str:
        code = issue(secret=SECRET.encode(), customer_id=customer, expires_on=expires, nonce=nonce)
        record = InvitationRecord(code_hash(code), "pilot", customer, expires, NOW)
        with app.uow() as work:
            work.pilots.add_invitations([record])
            work.commit()
        return code

    forged = issue(secret=b"not-the-service-secret", customer_id="anna", expires_on=VALID_UNTIL)
    return Codes(
        anna=stored("anna", VALID_UNTIL, 1),
        ben=stored("ben", VALID_UNTIL, 2),
        expired=stored("anna", date(2026, 3, 1), 3),
        forged=forged,
    )


def login_token(app: App, customer_id: str) -> str:
    return create_customer_token(uow=app.uow, customer_id=customer_id).token
