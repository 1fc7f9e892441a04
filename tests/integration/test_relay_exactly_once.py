"""1,000 grants through the outbox relay to a real fake charging system, faults switched on.

Afterwards the charging system holds exactly one top-up per grant and reconciliation finds
no difference, also when the relay process is killed with SIGKILL in the middle of a run
and started again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.domain.ledger import GrantStatus
from selfcare.grants.http_charging import HttpChargingClient
from selfcare.grants.ledger import list_grants, reconcile_ledger
from selfcare.ingest.service import ingest_batch
from tests.integration.fake_charging_process import FakeChargingProcess, running_fake_charging

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CUSTOMERS = 500  # two task bonuses each: 1,000 grants
CLIENT_TIMEOUT = 0.5
SERVER_ARGS = ("--seed", "654", "--timeout-delay", "1.0", "--slow-delay", "0.2")
ALL_FAULTS = "500=0.1,timeout=0.05,slow=0.1,lost=0.1"
RUN_LIMIT_S = 240.0


def thousand_grants_due(app: App) -> None:
    rows = []
    for n in range(CUSTOMERS):
        customer = f"c{n:04d}"
        for kind, hour in (
            ("invitation_accepted", 9),
            ("portal_registered", 10),
            ("app_first_login", 11),
        ):
            rows.append(
                {
                    "event_id": f"{customer}-{kind}",
                    "customer_id": customer,
                    "type": kind,
                    "occurred_at": f"2026-03-01T{hour:02d}:00:00+01:00",
                }
            )
    report = ingest_batch(app.ingestor, rows)
    assert len(report.grants) == 2 * CUSTOMERS


def settings_for(database_url: str, charging_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        charging_url=charging_url,
        charging_timeout_s=CLIENT_TIMEOUT,
        relay_lease_s=3.0,
        relay_concurrency=16,
        relay_idle_s=0.05,
        relay_backoff_cap_s=1.0,
    )


@pytest.fixture
def wired(database_url: str) -> Iterator[App]:
    def clock() -> datetime:
        return datetime(2026, 3, 2, 12, tzinfo=UTC)

    app = build(
        Settings(database_url=database_url),
        clock=clock,
        charging=HttpChargingClient("http://127.0.0.1:9"),
    )
    thousand_grants_due(app)
    yield app
    app.close()


def assert_exactly_once(app: App, charging: FakeChargingProcess) -> None:
    charging.wait_idle()
    with HttpChargingClient(charging.url, timeout=10) as client:
        applied = client.list_applied()
        report = reconcile_ledger(uow=app.uow, charging=client)
    grants = list_grants(uow=app.uow)
    per_key = Counter(t.idempotency_key for t in applied)
    assert len(grants) == 2 * CUSTOMERS
    assert per_key == Counter({g.grant_id: 1 for g in grants})
    assert {g.status for g in grants} == {"confirmed"}
    assert report.ok, report.to_json()["counts"]


def drain(app: App) -> None:
    """Run the relay until every top-up is confirmed (or fail after RUN_LIMIT_S)."""
    stop = threading.Event()
    relay = app.relay(initial_wait=0.01, max_wait=0.2)
    done = threading.Thread(target=relay.run, args=(stop,), kwargs={"drain": True})
    done.start()
    done.join(RUN_LIMIT_S)
    stop.set()
    done.join()
    assert relay.open_count() == 0, "relay did not finish in time"


@pytest.mark.parametrize("faults", ["500=0.3", "timeout=0.2", "slow=0.3", "lost=0.3", ALL_FAULTS])
@pytest.mark.usefixtures("wired")
def test_every_grant_is_topped_up_exactly_once_despite_faults(
    database_url: str, faults: str
) -> None:
    with running_fake_charging("--fault", faults, *SERVER_ARGS) as charging:
        app = build(settings_for(database_url, charging.url))  # leases need the real clock
        try:
            drain(app)
            assert_exactly_once(app, charging)
        finally:
            app.close()


def relay_process(database_url: str, charging_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "SELFCARE_DATABASE_URL": database_url,
        "SELFCARE_CHARGING_URL": charging_url,
        "SELFCARE_CHARGING_TIMEOUT_S": str(CLIENT_TIMEOUT),
        "SELFCARE_RELAY_LEASE_S": "3",
        "SELFCARE_RELAY_CONCURRENCY": "16",
        "SELFCARE_RELAY_IDLE_S": "0.05",
        "SELFCARE_RELAY_BACKOFF_CAP_S": "1",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "selfcare", "relay", "--drain"], env=env, stdout=out, stderr=out
        )


def confirmed(app: App) -> int:
    return len(list_grants(uow=app.uow, status=GrantStatus.CONFIRMED))


def test_a_relay_killed_mid_run_and_restarted_still_tops_up_exactly_once(
    wired: App, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "relay.log"
    with running_fake_charging("--fault", ALL_FAULTS, *SERVER_ARGS) as charging:
        first = relay_process(database_url, charging.url, log)
        deadline = time.monotonic() + RUN_LIMIT_S
        while confirmed(wired) < 300 and first.poll() is None:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = confirmed(wired)
        assert 300 <= killed_at < 2 * CUSTOMERS, "the relay was not killed mid-run"
        second = relay_process(database_url, charging.url, log)
        try:
            assert second.wait(RUN_LIMIT_S) == 0, log.read_text()[-2000:]
        finally:
            second.kill()
        assert_exactly_once(wired, charging)


def test_two_relays_never_hold_the_same_outbox_row_at_once(
    wired: App,
) -> None:
    """A claim is a lease: nobody else takes the row before it runs out."""
    first = wired.relay(per_claim=10, lease=timedelta(minutes=5))
    second = wired.relay(per_claim=10)
    taken = first.claim()
    again = second.claim()
    assert len(taken) == len(again) == 10
    assert {c.outbox_id for c in taken}.isdisjoint({c.outbox_id for c in again})
