"""Start `selfcare fake-charging` as a real subprocess on a free loopback port.

Reusable by any integration test that needs a charging system across a real socket
(the relay's exactly-once tests included): `with running_fake_charging("--fault",
"lost=0.3") as charging: ... charging.url ...`.
"""

from __future__ import annotations

import re
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import httpx

_READY = re.compile(r"listening on (?P<url>http://\S+)")


@dataclass(frozen=True)
class FakeChargingProcess:
    """A running fake charging system: its base URL and its process."""

    url: str
    process: subprocess.Popen[str]

    def get(self, path: str) -> Any:
        return httpx.get(self.url + path, timeout=5).json()

    def faults(self) -> dict[str, Any]:
        doc: dict[str, Any] = self.get("/admin/faults")
        return doc

    def wait_idle(self, within: float = 30.0) -> None:
        """Wait until no top-up request is in progress (hung `timeout` ones included)."""
        deadline = time.monotonic() + within
        while self.get("/health")["inFlight"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fake charging still busy after {within} s")
            time.sleep(0.05)


@contextmanager
def running_fake_charging(*args: str, ready_within: float = 60.0) -> Iterator[FakeChargingProcess]:
    """Run `python -m selfcare fake-charging --port 0 ARGS…` until the block ends."""
    command = [sys.executable, "-m", "selfcare", "fake-charging", "--port", "0", *args]
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            url = _wait_ready(process, stderr, ready_within)
            yield FakeChargingProcess(url, process)
        finally:
            _stop(process)


def _wait_ready(process: subprocess.Popen[str], stderr: TextIO, within: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(timeout=within):
            line = process.stdout.readline()
            if match := _READY.search(line):
                return _wait_healthy(match.group("url"), within)
    stderr.seek(0)
    raise RuntimeError(f"fake-charging did not start: {stderr.read()[-2000:]}")


def _wait_healthy(url: str, within: float) -> str:
    deadline = time.monotonic() + within
    while True:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return url
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()
