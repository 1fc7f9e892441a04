"""Accepting an invitation on the fake storage: each outcome its own answer, used once,
bound to the customer, throttled, and every acceptance recorded as an event once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest

from selfcare.domain.pilot_records import InvitationRecord
from selfcare.pilot.acceptance import Acceptance, Invitations, accept_invitation
from selfcare.pilot.invitations import MESSAGES, Outcome, code_hash, issue
from tests.unit.services.wiring import Wired

SECRET = b"test-secret-not-for-production"
EXPIRES = date(2026, 3, 31)


@dataclass
class CountingThrottle:
    """Allows `limit` attempts per (kind, key), then asks for a 30 s wait."""

    limit: int
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def __call__(self, kind: str, key: str) -> float:
        self.seen[kind, key] = self.seen.get((kind, key), 0) + 1
        return 0.0 if self.seen[kind, key] <= self.limit else 30.0


def issued(wired: Wired, customer: str, *, nonce: int = 7, expires: date = EXPIRES) -> str:
    code = issue(secret=SECRET, customer_id=customer, expires_on=expires, nonce=nonce)
    record = InvitationRecord(code_hash(code), "p1", customer, expires, wired.clock())
    with wired.storage() as work:
        work.pilots.add_invitations([record])
        work.commit()
    return code


def accept(
    wired: Wired, code: str, customer: str = "anna", *, throttle: CountingThrottle | None = None
) -> Acceptance:
    invitations = Invitations(wired.storage, wired.ingestor, SECRET, throttle)
    return accept_invitation(invitations, customer_id=customer, code=code, client="10.0.0.1")


def acceptances(wired: Wired) -> list[str]:
    with wired.storage(read_only=True) as work:
        return [e.customer_id for e in work.events.all() if e.type == "invitation_accepted"]


def test_an_issued_code_is_accepted_once_and_records_the_acceptance_event() -> None:
    wired = Wired()
    code = issued(wired, "anna")
    assert accept(wired, code).outcome is Outcome.ACCEPTED
    assert acceptances(wired) == ["anna"]
    with wired.storage(read_only=True) as work:
        stored = work.pilots.invitation(code_hash(code))
    assert stored is not None
    assert stored.accepted_at == wired.clock()
    second = accept(wired, code.lower())
    assert second.outcome is Outcome.ALREADY_USED
    assert acceptances(wired) == ["anna"]


def test_someone_elses_code_is_not_yours_and_changes_nothing() -> None:
    wired = Wired()
    code = issued(wired, "ben")
    assert accept(wired, code, "anna").outcome is Outcome.NOT_YOURS
    assert acceptances(wired) == []
    assert accept(wired, code, "ben").outcome is Outcome.ACCEPTED


def test_a_code_signed_with_another_secret_is_forged() -> None:
    wired = Wired()
    code = issue(secret=b"not-our-secret-at-all", customer_id="anna", expires_on=EXPIRES)
    assert accept(wired, code).outcome is Outcome.FORGED
    assert acceptances(wired) == []


def test_a_typo_is_mistyped_not_forged() -> None:
    wired = Wired()
    code = issued(wired, "anna")
    typo = ("1" if code[0] != "1" else "2") + code[1:]
    assert accept(wired, typo).outcome is Outcome.MISTYPED
    assert accept(wired, code[:-3]).outcome is Outcome.MISTYPED


def test_an_expired_code_is_refused_after_its_last_day() -> None:
    wired = Wired()
    code = issued(wired, "anna", expires=date(2026, 3, 1))
    assert accept(wired, code).outcome is Outcome.EXPIRED
    assert acceptances(wired) == []


def test_a_signed_code_that_was_never_stored_is_still_single_use() -> None:
    wired = Wired()
    code = issue(secret=SECRET, customer_id="anna", expires_on=EXPIRES, nonce=99)
    assert accept(wired, code).outcome is Outcome.ACCEPTED
    assert accept(wired, code).outcome is Outcome.ALREADY_USED
    assert acceptances(wired) == ["anna"]


def test_attempts_are_throttled_per_client_and_per_code() -> None:
    wired = Wired()
    throttle = CountingThrottle(limit=2)
    code = issued(wired, "anna")
    for guess in ("AAAA-AAAA-AAAA-AA", "BBBB-BBBB-BBBB-BB"):
        assert accept(wired, guess, throttle=throttle).outcome is Outcome.MISTYPED
    refused = accept(wired, code, throttle=throttle)  # the client's third attempt
    assert refused.outcome is Outcome.RATE_LIMITED
    assert refused.retry_after == 30.0
    assert acceptances(wired) == []
    code_throttle = CountingThrottle(limit=2)
    for client_attempt in range(3):
        invitations = Invitations(wired.storage, wired.ingestor, SECRET, code_throttle)
        outcome = accept_invitation(
            invitations, customer_id="ben", code=code, client=f"10.0.0.{client_attempt}"
        ).outcome
    assert outcome is Outcome.RATE_LIMITED  # the same code from three clients
    assert ("join_code", code.replace("-", "")) in code_throttle.seen


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_its_own_message_in_german_and_english(outcome: Outcome) -> None:
    answer = Acceptance(outcome)
    assert answer.message("de") == MESSAGES[outcome]["de"]
    assert answer.message("en") == MESSAGES[outcome]["en"]
    others = {Acceptance(o).message("de") for o in Outcome if o is not outcome}
    assert answer.message("de") not in others


def test_the_acceptance_event_is_dated_by_the_clock() -> None:
    wired = Wired()
    accept(wired, issued(wired, "anna"))
    with wired.storage(read_only=True) as work:
        dated = [e.occurred_at for e in work.events.all() if e.type == "invitation_accepted"]
    assert dated == [wired.clock()]
    assert isinstance(dated[0], datetime)
