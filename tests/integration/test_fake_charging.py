"""The fake charging system over a real socket: each fault does what it promises."""

from __future__ import annotations

import json
import socket
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from selfcare.grants.charging import TopUpRequest
from selfcare.grants.http_charging import HttpChargingClient, topup_body
from tests.integration.fake_charging_process import FakeChargingProcess, running_fake_charging

pytestmark = pytest.mark.integration

REQUEST = TopUpRequest("g-1", "c-1", "portal_registration", "once", 600)
BODY = json.dumps(topup_body(REQUEST)).encode()


def raw_post(charging: FakeChargingProcess, key: str) -> bytes:
    """POST a top-up over a bare socket and return every byte the server sends back."""
    host, port = charging.url.removeprefix("http://").split(":")
    head = (
        f"POST /topupBalance HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Idempotency-Key: {key}\r\nContent-Length: {len(BODY)}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head.encode() + BODY)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        return received


def post(charging: FakeChargingProcess, key: str, timeout: float = 10.0) -> httpx.Response:
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    return httpx.post(
        charging.url + "/topupBalance", content=BODY, headers=headers, timeout=timeout
    )


def test_lost_applies_the_top_up_and_closes_the_socket_without_a_single_byte() -> None:
    with running_fake_charging("--fault", "lost=1", "--seed", "5") as charging:
        answers = [raw_post(charging, "g-1") for _ in range(6)]
        listing = charging.get("/topupBalance")

    assert answers == [b""] * 6
    assert [t["idempotencyKey"] for t in listing] == ["g-1"]


def test_lost_is_seen_by_httpx_as_a_dropped_connection() -> None:
    with running_fake_charging("--fault", "lost=1") as charging:
        for _ in range(6):  # FIN or RST, chosen by the dice: both must surface as drops
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                post(charging, "g-1")
        assert len(charging.get("/topupBalance")) == 1


def test_an_injected_500_answers_a_problem_and_applies_nothing() -> None:
    with running_fake_charging("--fault", "500=1") as charging:
        answer = post(charging, "g-1")
        assert (answer.status_code, answer.json()["code"]) == (500, "INJECTED_FAULT")
        assert charging.get("/topupBalance") == []


def test_a_timeout_outlasts_the_client_and_a_slow_answer_does_not() -> None:
    with running_fake_charging(
        "--fault", "timeout=1", "--timeout-delay", "1.0", "--slow-delay", "0.3"
    ) as charging:
        with pytest.raises(httpx.ReadTimeout):
            post(charging, "g-1", timeout=0.5)
        httpx.post(charging.url + "/admin/faults", json={"rates": {"slow": 1.0}})
        started = time.monotonic()
        answer = post(charging, "g-2", timeout=5.0)
        took = time.monotonic() - started
        charging.wait_idle()
        keys = {t["idempotencyKey"] for t in charging.get("/topupBalance")}

    assert answer.status_code == 201
    assert took >= 0.3
    assert "g-2" in keys


def test_the_state_file_keeps_top_ups_across_a_restart_of_the_process(tmp_path: Path) -> None:
    state = str(tmp_path / "charging.jsonl")
    with (
        running_fake_charging("--state", state) as charging,
        closing(HttpChargingClient(charging.url, timeout=5)) as client,
    ):
        first = client.top_up(REQUEST)

    with (
        running_fake_charging("--state", state) as charging,
        closing(HttpChargingClient(charging.url, timeout=5)) as client,
    ):
        again = client.top_up(REQUEST)
        applied = client.list_applied()

    assert (again.id, again.replayed) == (first.id, True)
    assert [a.id for a in applied] == [first.id]


def test_a_bad_fault_spec_stops_the_command_with_a_one_line_message() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "selfcare", "fake-charging", "--fault", "drop=0.5"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "--fault 'drop=0.5'" in done.stderr
