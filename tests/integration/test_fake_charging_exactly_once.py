"""1,000 top-ups through every fault mode: each grant ends up applied exactly once.

The real HTTP client with retries talks to the fake charging system in a real subprocess
over loopback, 16 top-ups at a time. Afterwards the charging system's own listing must
hold exactly one top-up per grant and reconciliation must find no difference.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from selfcare.grants.charging import TopUpRequest, TopUpResult, send_with_retry
from selfcare.grants.http_charging import HttpChargingClient
from selfcare.grants.reconcile import compare
from tests.builders import LedgerEntry
from tests.integration.fake_charging_process import running_fake_charging

pytestmark = pytest.mark.integration

GRANTS = 1000
CLIENT_TIMEOUT = 0.5  # seconds the client waits for an answer
SERVER_ARGS = ("--seed", "654", "--timeout-delay", "1.0", "--slow-delay", "0.2")


def grants(mode: str) -> list[TopUpRequest]:
    return [
        TopUpRequest(
            grant_id=f"{mode}-{n:04d}",
            customer_id=f"c-{n % 250:03d}",
            reward=("portal_registration", "app_install", "bill_video")[n % 3],
            period="once",
            amount_mb=600 if n % 7 else 1800,
        )
        for n in range(GRANTS)
    ]


def send_all(client: HttpChargingClient, requests: list[TopUpRequest]) -> list[TopUpResult]:
    def send(request: TopUpRequest) -> TopUpResult:
        return send_with_retry(client, request, attempts=15, initial_wait=0.01, max_wait=0.2)

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(send, requests))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "faults"),
    [
        ("500", "500=0.3"),
        ("timeout", "timeout=0.2"),
        ("slow", "slow=0.3"),
        ("lost", "lost=0.3"),
        ("all", "500=0.1,timeout=0.05,slow=0.1,lost=0.1"),
    ],
)
def test_a_thousand_top_ups_are_applied_exactly_once_despite_faults(mode: str, faults: str) -> None:
    requests = grants(mode)
    with running_fake_charging("--fault", faults, *SERVER_ARGS) as charging:
        with HttpChargingClient(charging.url, timeout=CLIENT_TIMEOUT) as client:
            results = send_all(client, requests)
            charging.wait_idle()  # hung `timeout` requests may still apply late
            applied = client.list_applied()
        injected = charging.faults()["injected"]

    keys = Counter(topup.idempotency_key for topup in applied)
    assert len(applied) == GRANTS
    assert set(keys) == {r.grant_id for r in requests}
    assert max(keys.values()) == 1
    assert len({result.id for result in results}) == GRANTS
    ledger = [
        LedgerEntry(r.grant_id, r.customer_id, r.amount_mb, status="confirmed") for r in requests
    ]
    report = compare(ledger, applied)
    assert report.ok, report.to_json()["differences"][:5]
    # the faults really happened (about 30 % / 20 % of at least 1,000 requests)
    for kind, rate in (part.split("=") for part in faults.split(",")):
        assert injected[kind] >= GRANTS * float(rate) * 0.7
    if mode == "lost":  # a retry after a lost answer finds its key already applied
        assert sum(result.replayed for result in results) >= GRANTS * 0.3 * 0.7


def test_without_the_idempotency_key_lost_answers_pay_twice_and_reconciliation_says_so() -> None:
    def drop_key(request: httpx.Request) -> None:
        request.headers.pop("Idempotency-Key", None)

    requests = grants("nokey")[:200]
    with running_fake_charging("--fault", "lost=0.3", *SERVER_ARGS) as charging:
        http = httpx.Client(base_url=charging.url, timeout=5, event_hooks={"request": [drop_key]})
        with HttpChargingClient(charging.url, http=http) as client:
            send_all(client, requests)
            applied = client.list_applied()

    ledger = [LedgerEntry(r.grant_id, r.customer_id, r.amount_mb) for r in requests]
    report = compare(ledger, applied)
    assert len(applied) > len(requests)
    assert set(report.counts()) == {"applied_twice"}
    assert report.counts()["applied_twice"] >= 200 * 0.3 * 0.7
    assert sum(d.applied_amount_mb or 0 for d in report.differences) > sum(
        d.ledger_amount_mb or 0 for d in report.differences
    )
