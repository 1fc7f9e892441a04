"""Rejected top-ups: resent by hand under the same key, audited, and shown as rejected."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from selfcare.bootstrap import App
from selfcare.cli import app as cli
from selfcare.config import get_settings
from selfcare.errors import InvalidInput
from selfcare.grants.charging import FakeChargingClient, Fault
from selfcare.grants.http_charging import HttpChargingClient
from selfcare.grants.ledger import list_grants
from selfcare.grants.outbox import Relay, RelaySettings
from selfcare.grants.resend import resend_grants
from tests.integration.conftest import Clock
from tests.integration.test_relay_outcomes import no_waiting, one_grant_due

pytestmark = pytest.mark.integration


def rejected_grant(app: App, charging: FakeChargingClient) -> str:
    grant = one_grant_due(app)
    charging.script(Fault.REJECT)
    relay = app.relay()
    relay.sleep = no_waiting
    relay.work_once()
    assert [g.status for g in list_grants(uow=app.uow)] == ["rejected"]
    return grant


def test_a_resent_grant_is_sent_again_under_its_own_id_and_confirmed(
    app: App, charging: FakeChargingClient, clock: Clock
) -> None:
    grant = rejected_grant(app, charging)

    resent = resend_grants(uow=app.uow, status="rejected", actor="ops-anna", now=clock())
    relay = app.relay()
    relay.sleep = no_waiting

    assert resent.grant_ids == (grant,)
    assert relay.work_once() == 1
    assert charging.attempts == [grant, grant]  # the same Idempotency-Key both times
    assert [(g.status, g.charging_id) for g in list_grants(uow=app.uow)] == [
        ("confirmed", "fake-1")
    ]


def test_resending_twice_queues_a_grant_once_and_the_audit_says_who_and_when(
    app: App, charging: FakeChargingClient, clock: Clock
) -> None:
    grant = rejected_grant(app, charging)

    first = resend_grants(uow=app.uow, status="rejected", actor="ops-anna", now=clock())
    second = resend_grants(uow=app.uow, status="rejected", actor="ops-ben", now=clock())

    assert (first.grant_ids, second.grant_ids) == ((grant,), ())
    with app.uow(read_only=True) as work:
        audit = [(a.action, a.actor, a.at) for a in work.grants.audit_of(grant)]
        assert work.outbox.open_count() == 1
    assert audit == [("resend", "ops-anna", clock())]


def test_resend_can_be_limited_to_one_customer(
    app: App, charging: FakeChargingClient, clock: Clock
) -> None:
    rejected_grant(app, charging)

    resent = resend_grants(
        uow=app.uow, status="rejected", actor="ops", now=clock(), customer_id="someone-else"
    )

    assert resent.grant_ids == ()
    assert [g.status for g in list_grants(uow=app.uow)] == ["rejected"]


@pytest.mark.parametrize("status", ["confirmed", "pending", "held"])
def test_only_rejected_grants_can_be_resent(app: App, clock: Clock, status: str) -> None:
    with pytest.raises(InvalidInput, match="rejected"):
        resend_grants(uow=app.uow, status=status, actor="ops", now=clock())


def test_the_resend_command_queues_rejected_grants_and_names_the_operator(
    app: App,
    charging: FakeChargingClient,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grant = rejected_grant(app, charging)
    monkeypatch.setenv("SELFCARE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        args = ["grants", "resend", "--status", "rejected", "--customer", "c1", "--by", "ops-anna"]
        first = CliRunner().invoke(cli, [*args, "--format", "json"])
        again = CliRunner().invoke(cli, [*args, "--format", "json"])
        confirmed = CliRunner().invoke(cli, ["grants", "resend", "--status", "confirmed"])
    finally:
        get_settings.cache_clear()

    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"resent": [grant], "amount_mb": 600}
    assert json.loads(again.stdout) == {"resent": [], "amount_mb": 0}
    assert confirmed.exit_code == 2
    with app.uow(read_only=True) as work:
        assert [a.actor for a in work.grants.audit_of(grant)] == ["ops-anna"]


def test_a_maintenance_page_leaves_the_grant_pending_until_the_charging_system_is_back(
    app: App, clock: Clock
) -> None:
    grant = one_grant_due(app)
    answers = [httpx.Response(404, text="<html>Wartungsarbeiten</html>")] * 3 + [
        httpx.Response(201, json={"id": "tb-1", "href": "/topupBalance/tb-1", "status": "done"})
    ]
    seen: list[str] = []

    def charging_behind_a_proxy(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Idempotency-Key"])
        return answers[min(len(seen), len(answers)) - 1]

    http = httpx.Client(
        base_url="http://charging", transport=httpx.MockTransport(charging_behind_a_proxy)
    )
    relay = Relay(
        uow=app.uow,
        charging=HttpChargingClient("http://charging", http=http),
        clock=app.clock,
        settings=RelaySettings(attempts=3),
        sleep=no_waiting,
    )

    assert relay.work_once() == 1
    assert (relay.stats.deferred, relay.stats.rejected) == (1, 0)
    assert [g.status for g in list_grants(uow=app.uow)] == ["pending"]
    clock.advance(minutes=10)
    assert relay.work_once() == 1
    assert [g.status for g in list_grants(uow=app.uow)] == ["confirmed"]
    assert seen == [grant] * 4
