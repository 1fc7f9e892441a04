"""The fake charging server in-process: TMF654 validation, dedupe by key, fault dice.

Runs the ASGI app in-process through httpx (no sockets); the `lost` fault, which
needs a real socket to drop, is covered by tests/integration/test_fake_charging.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from httpx import Client

from selfcare.errors import InvalidInput
from selfcare.grants.charging import ChargingRejected, Fault
from selfcare.grants.fake_charging import FakeChargingState, create_app
from selfcare.grants.fake_charging_memory import FaultDice, TopUpStore, parse_fault_spec
from selfcare.grants.http_charging import HttpChargingClient, topup_body
from tests.unit.grants.builders import in_process_client, topup


def server(
    faults: str = "", *, state_file: Path | None = None, seed: int = 1
) -> tuple[Client, FakeChargingState]:
    dice = FaultDice(parse_fault_spec(faults), seed=seed, slow_delay=0.0, timeout_delay=0.0)
    state = FakeChargingState(TopUpStore(state_file), dice)
    return in_process_client(create_app(state)), state


def body(**changes: Any) -> dict[str, Any]:
    return topup_body(topup()) | changes


def post(http: Client, doc: dict[str, Any], key: str | None = "g-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return http.post("/topupBalance", json=doc, headers=headers)


def test_a_new_key_is_applied_with_201_and_a_repeated_key_returns_the_original_with_200() -> None:
    http, _ = server()

    first = post(http, body())
    again = post(http, body())

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    created = first.json()
    assert created["href"] == f"http://testserver/topupBalance/{created['id']}"
    assert (created["@type"], created["status"], created["idempotencyKey"]) == (
        "TopupBalance",
        "completed",
        "g-1",
    )
    assert created["amount"] == {"amount": 600, "units": "MB"}
    assert len(http.get("/topupBalance").json()) == 1


def test_the_same_key_for_a_different_top_up_is_a_409_problem() -> None:
    http, _ = server()
    post(http, body())

    answer = post(http, body(amount={"amount": 1800, "units": "MB"}))

    assert answer.status_code == 409
    assert answer.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_without_a_key_every_request_is_a_new_top_up() -> None:
    http, _ = server()

    post(http, body(), key=None)
    post(http, body(), key=None)

    assert [t["idempotencyKey"] for t in http.get("/topupBalance").json()] == [None, None]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"@type": "AdjustBalance"}, "body.@type"),
        ({"amount": {"amount": 0, "units": "MB"}}, "body.amount.amount"),
        ({"amount": {"amount": 600.5, "units": "MB"}}, "body.amount.amount"),
        ({"amount": {"amount": "600", "units": "MB"}}, "body.amount.amount"),
        ({"amount": {"amount": 1, "units": "GB"}}, "body.amount.units"),
        ({"usageType": "voice"}, "body.usageType"),
        ({"partyAccount": {"id": ""}}, "body.partyAccount.id"),
    ],
)
def test_an_invalid_body_is_a_422_problem_with_tmf_fields(
    changes: dict[str, Any], where: str
) -> None:
    http, state = server()

    answer = post(http, body(**changes))

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert (problem["status"], problem["code"]) == (422, "INVALID_BODY")
    assert problem["message"].startswith(where + ":")
    assert problem["reason"] == problem["title"] == "Unprocessable Entity"
    assert len(state.store) == 0


def test_a_body_that_is_not_json_is_a_400_problem() -> None:
    http, _ = server()

    answer = http.post(
        "/topupBalance", content=b"{amount", headers={"content-type": "application/json"}
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_JSON"


def test_a_top_up_can_be_read_back_by_id_and_an_unknown_id_is_a_404_problem() -> None:
    http, _ = server()
    created = post(http, body()).json()

    assert http.get(f"/topupBalance/{created['id']}").json() == created
    missing = http.get("/topupBalance/nope")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")


def test_the_listing_pages_with_offset_and_limit_and_counts_the_total() -> None:
    http, _ = server()
    for n in range(5):
        post(http, body(), key=f"g-{n}")

    page = http.get("/topupBalance", params={"offset": 3, "limit": 10})

    assert [t["idempotencyKey"] for t in page.json()] == ["g-3", "g-4"]
    assert (page.headers["X-Total-Count"], page.headers["X-Result-Count"]) == ("5", "2")


def test_an_injected_500_applies_nothing() -> None:
    http, state = server("500=1")

    answer = post(http, body())

    assert (answer.status_code, answer.json()["code"]) == (500, "INJECTED_FAULT")
    assert len(state.store) == 0


def test_a_slow_answer_is_still_correct() -> None:
    http, _ = server("slow=1")

    assert post(http, body()).status_code == 201


def test_timed_out_requests_are_applied_for_about_half_of_them() -> None:
    http, state = server("timeout=1", seed=3)

    codes = [post(http, body(), key=f"g-{n}").status_code for n in range(40)]

    assert set(codes) == {201, 504}
    assert len(state.store) == codes.count(201)
    assert 10 <= len(state.store) <= 30


def test_fault_rates_change_at_runtime_and_rates_over_one_are_refused() -> None:
    http, state = server("500=1")

    changed = http.post("/admin/faults", json={"rates": {"slow": 0.25}, "slowDelay": 0.0})
    refused = http.post("/admin/faults", json={"rates": {"500": 0.6, "lost": 0.6}})

    assert changed.json()["rates"] == {"500": 0.0, "timeout": 0.0, "slow": 0.25, "lost": 0.0}
    assert state.dice.rates[Fault.SLOW] == 0.25
    assert (refused.status_code, refused.json()["code"]) == (422, "INVALID_FAULTS")
    assert http.get("/admin/faults").json()["rates"]["slow"] == 0.25
    assert post(http, body()).status_code == 201


def test_health_reports_how_many_top_ups_were_applied() -> None:
    http, _ = server()
    post(http, body())

    assert http.get("/health").json() == {"status": "ok", "applied": 1, "inFlight": 0}


def test_a_state_file_keeps_applied_top_ups_and_their_keys_across_a_restart(
    tmp_path: Path,
) -> None:
    state_file = tmp_path / "charging.jsonl"
    first_run, _ = server(state_file=state_file)
    created = post(first_run, body()).json()

    second_run, state = server(state_file=state_file)
    replay = post(second_run, body())

    assert (replay.status_code, replay.json()["id"]) == (200, created["id"])
    assert len(state.store) == 1


def test_a_broken_state_file_is_refused_with_its_line_number(tmp_path: Path) -> None:
    state_file = tmp_path / "charging.jsonl"
    state_file.write_text('{"key": "g-1"}\n', encoding="utf-8")

    with pytest.raises(InvalidInput, match=r"charging.jsonl:1:"):
        TopUpStore(state_file)


def test_the_real_client_and_the_fake_server_speak_the_same_tmf654() -> None:
    http, _ = server()
    client = HttpChargingClient("http://testserver", http=http)

    first = client.top_up(topup("g-9", customer_id="c-3", amount_mb=1800))
    again = client.top_up(topup("g-9", customer_id="c-3", amount_mb=1800))
    (applied,) = client.list_applied()

    assert (first.replayed, again.replayed, again.id) == (False, True, first.id)
    assert (applied.id, applied.idempotency_key, applied.grant_id) == (first.id, "g-9", "g-9")
    assert (applied.customer_id, applied.amount_mb, applied.units) == ("c-3", 1800, "MB")


def test_the_real_client_reports_a_reused_key_as_rejected() -> None:
    http, _ = server()
    client = HttpChargingClient("http://testserver", http=http)
    client.top_up(topup("g-9", amount_mb=600))

    with pytest.raises(ChargingRejected) as raised:
        client.top_up(topup("g-9", amount_mb=601))

    assert (raised.value.status, raised.value.code) == (409, "IDEMPOTENCY_KEY_REUSED")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", {"500": 0.0, "timeout": 0.0, "slow": 0.0, "lost": 0.0}),
        (
            "500=0.1,timeout=0.05,slow=0.1,lost=0.1",
            {"500": 0.1, "timeout": 0.05, "slow": 0.1, "lost": 0.1},
        ),
        (" lost=1 ", {"500": 0.0, "timeout": 0.0, "slow": 0.0, "lost": 1.0}),
    ],
)
def test_a_fault_spec_names_a_rate_per_fault(spec: str, expected: dict[str, float]) -> None:
    assert {str(k): v for k, v in parse_fault_spec(spec).items()} == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("drop=0.1", "NAME=RATE"),
        ("reject=0.1", "NAME=RATE"),
        ("500", "NAME=RATE"),
        ("500=lots", "NAME=RATE"),
        ("500=1.5", "between 0 and 1"),
        ("500=0.6,lost=0.6", "add up to 1.2"),
    ],
)
def test_a_bad_fault_spec_is_refused_with_the_reason(spec: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_fault_spec(spec)


def test_the_same_seed_rolls_the_same_faults_and_the_rates_hold_roughly() -> None:
    rates = parse_fault_spec("500=0.2,timeout=0.2,slow=0.2,lost=0.2")
    one, two = FaultDice(rates, seed=11), FaultDice(rates, seed=11)

    rolls = [one.roll() for _ in range(1000)]

    assert rolls == [two.roll() for _ in range(1000)]
    for kind in (Fault.ERROR_500, Fault.TIMEOUT, Fault.SLOW, Fault.LOST, None):
        assert 150 <= rolls.count(kind) <= 250  # 200 expected of each
