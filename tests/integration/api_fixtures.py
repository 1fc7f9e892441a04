"""A real uvicorn server on 127.0.0.1 for API tests, and API keys for it.

The server runs the app made by `create_app` on a wired selfcare (the `app` fixture of
conftest.py: fresh database per backend, hand clock, in-memory charging), in a thread,
on a socket bound to a free loopback port before the server starts (no port race).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from selfcare.auth.scopes import Scope
from selfcare.auth.service import create_api_key, create_customer_token, create_login_link
from selfcare.bootstrap import App
from selfcare.web.app import create_app
from selfcare.web.deps import BodyLimits

ALL_SCOPES = frozenset(Scope)


@contextmanager
def live_server(api: FastAPI) -> Iterator[str]:
    """Serve `api` on a free loopback port until the block ends; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class Api:
    """A live API and helpers to call it with keys of chosen scopes."""

    url: str
    app: App

    def key(self, *scopes: Scope) -> str:
        issued = create_api_key(
            uow=self.app.uow, name="test", scopes=frozenset(scopes) or ALL_SCOPES
        )
        return issued.key

    def customer_token(self, customer_id: str) -> str:
        return create_customer_token(uow=self.app.uow, customer_id=customer_id).token

    def login_link(self, customer_id: str) -> str:
        """The secret of a fresh one-time login link (`scl_…`), as `serve --login-link`."""
        return create_login_link(uow=self.app.uow, customer_id=customer_id).token

    def client(self, secret: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def admin(self) -> httpx.Client:
        return self.client(self.key(*ALL_SCOPES))


SMALL_LIMITS = BodyLimits(event=4096, batch=64 * 1024)


@pytest.fixture
def api(app: App) -> Iterator[Api]:
    """The API on a live loopback server (credentials checked afresh on every request)."""
    with live_server(create_app(app, limits=SMALL_LIMITS, credential_ttl_s=0)) as url:
        yield Api(url, app)


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem answer with TMF fields; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["message"] == body["detail"]
    assert body["reason"] == body["title"]
    assert body["code"]
    return body


CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of the form on a page."""
    found = CSRF_INPUT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def browser_login(http: httpx.Client, token: str) -> httpx.Response:
    """What a browser does with a login link: open it (the token moves into a cookie and
    out of the URL), confirm on the login page, land on the overview. The session's CSRF
    token is then sent with every request, as the test page's script does."""
    link = http.get("/speedtest/login", params={"token": token})
    assert link.status_code == 303, link.text
    assert link.headers["location"] == "/speedtest/login"
    confirmed = http.post(
        "/speedtest/login", data={"csrf": csrf_of(http.get(link.headers["location"]))}
    )
    assert confirmed.status_code == 303, confirmed.text
    http.headers["X-CSRF-Token"] = csrf_of(http.get(confirmed.headers["location"]))
    return confirmed
