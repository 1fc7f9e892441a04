"""Resending rejected top-ups on the fake unit of work: same key, once, audited."""

from __future__ import annotations

from selfcare.domain.ledger import GrantStatus
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.ledger import list_grants, reconcile_ledger
from selfcare.grants.resend import resend_grants
from tests.unit.services.test_relay_on_fake import one_grant_due, relay_for
from tests.unit.services.wiring import Wired


def test_a_rejected_grant_resent_twice_is_applied_once_under_its_own_key() -> None:
    wired, charging = Wired(), FakeChargingClient([Fault.REJECT])
    grant = one_grant_due(wired)
    relay_for(wired, charging).work_once()
    assert [g.status for g in list_grants(uow=wired.storage)] == [GrantStatus.REJECTED]

    first = resend_grants(uow=wired.storage, status="rejected", actor="ops", now=wired.clock())
    again = resend_grants(uow=wired.storage, status="rejected", actor="ops", now=wired.clock())
    relay_for(wired, charging).work_once()

    assert (first.grant_ids, again.grant_ids) == ((grant,), ())
    assert charging.attempts == [grant, grant]
    assert [g.status for g in list_grants(uow=wired.storage)] == [GrantStatus.CONFIRMED]
    assert reconcile_ledger(uow=wired.storage, charging=charging).ok
    with wired.storage(read_only=True) as work:
        assert [(a.action, a.actor) for a in work.grants.audit_of(grant)] == [("resend", "ops")]
