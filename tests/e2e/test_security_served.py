"""Issue 8 against `selfcare serve` as a real process: a 500 MB upload without credentials
does not grow the server's memory, the access log never shows a customer token, and
`selfcare apikey|token list|revoke` work on the served database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.commands import selfcare_json
from tests.e2e.test_serve import serving

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MiB = 1 << 20


def peak_rss_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM) in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def served_env(tmp_path: Path) -> dict[str, str]:
    return os.environ | {"SELFCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'selfcare.db'}"}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_500_mb_unauthenticated_chunked_upload_does_not_grow_the_server(
    tmp_path: Path,
) -> None:
    chunk = b"\0" * MiB

    def upload() -> Iterator[bytes]:
        for _ in range(500):
            yield chunk

    with (
        serving(served_env(tmp_path), tmp_path, "--no-relay") as served,
        httpx.Client(base_url=served.url, timeout=120) as http,
    ):
        assert http.get("/health").status_code == 200
        before = peak_rss_kib(served.process.pid)
        for path, method in [
            ("/api/v1/speedcheck/contracts/c1", "PUT"),
            ("/api/v1/customers/c1/tokens", "POST"),
            ("/speedtest/results", "POST"),
        ]:
            try:
                answer = http.request(method, path, content=upload())
                assert answer.status_code in (401, 413), answer.text
            except httpx.TransportError:
                pass  # the server may close the connection after answering early
        after = peak_rss_kib(served.process.pid)
    assert after - before < 50 * 1024, f"peak RSS grew by {(after - before) // 1024} MB"


def test_the_access_log_never_shows_a_customer_token(tmp_path: Path) -> None:
    env = served_env(tmp_path)
    token = selfcare_json("token", "create", "--customer", "c1", env=env, cwd=tmp_path)
    with serving(env, tmp_path, "--no-relay") as served:
        with httpx.Client(base_url=served.url, timeout=30) as http:
            link = http.get("/speedtest/login", params={"token": token["token"]})
            assert link.status_code == 303
            assert "sct_" not in link.headers["location"]
            http.get("/api/v1/customers/c1/progress", params={"t": token["token"]})
        log = served.log.read_text(errors="replace")
    logged = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [(r["method"], r["route"], r["status"]) for r in logged if r["event"] == "request"]
    assert ("GET", "/speedtest/login", 303) in requests  # the route, never the query
    assert token["token"] not in log
    assert re.search(r"sct_[A-Za-z0-9_-]{8}", log) is None


def test_keys_and_tokens_are_listed_and_revoked_from_the_command_line(tmp_path: Path) -> None:
    env = served_env(tmp_path)
    key = selfcare_json(
        "apikey", "create", "--name", "crm", "--scopes", "grants:read", env=env, cwd=tmp_path
    )
    token = selfcare_json("token", "create", "--customer", "c1", env=env, cwd=tmp_path)
    keys = selfcare_json("apikey", "list", env=env, cwd=tmp_path)["keys"]
    tokens = selfcare_json("token", "list", "--customer", "c1", env=env, cwd=tmp_path)
    assert [(k["id"], k["name"], k["revoked_at"]) for k in keys] == [(key["id"], "crm", None)]
    assert [t["id"] for t in tokens["tokens"]] == [token["id"]]
    assert key["key"] not in str(keys)
    assert token["token"] not in str(tokens)
    for kind, ident in (("apikey", key["id"]), ("token", token["id"])):
        done = subprocess.run(
            [sys.executable, "-m", "selfcare", kind, "revoke", ident],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    unknown = subprocess.run(
        [sys.executable, "-m", "selfcare", "token", "revoke", "no-such-id"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert unknown.returncode == 2
    assert selfcare_json("apikey", "list", env=env, cwd=tmp_path)["keys"][0]["revoked_at"]
    with (
        serving(env, tmp_path, "--no-relay") as served,
        httpx.Client(base_url=served.url, timeout=30) as http,
    ):
        for secret in (key["key"], token["token"]):
            answer = http.get(
                "/api/v1/customers/c1/progress", headers={"Authorization": f"Bearer {secret}"}
            )
            assert answer.status_code == 401
