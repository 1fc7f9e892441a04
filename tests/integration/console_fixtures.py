"""The operator console on a live loopback server: accounts of each role, logged-in clients."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from selfcare.auth.operators import create_operator
from selfcare.bootstrap import App
from selfcare.domain.operators import Role
from selfcare.web.app import create_app
from tests.integration.api_fixtures import live_server

PASSWORD = "correct horse battery staple"
_names = itertools.count(1)
CSRF_INPUT = re.compile(r'name="csrf" value="([^"]*)"')


def form_csrf(page: httpx.Response) -> str:
    """The CSRF token of the (first) form on a page."""
    found = CSRF_INPUT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


@dataclass
class Console:
    url: str
    app: App
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self) -> httpx.Client:
        """A browser-like client (closed with the fixture)."""
        http = httpx.Client(base_url=self.url, timeout=30, headers={"Accept": "text/html"})
        self.clients.append(http)
        return http

    def close(self) -> None:
        for http in self.clients:
            http.close()

    def operator(self, name: str, role: Role, *, totp: bool = False) -> str | None:
        created = create_operator(
            uow=self.app.uow, name=name, role=role, password=PASSWORD, totp=totp
        )
        return created.totp_uri

    def login(
        self,
        name: str,
        password: str = PASSWORD,
        totp: str = "",
        client: httpx.Client | None = None,
    ) -> tuple[httpx.Client, httpx.Response]:
        http = client or self.client()
        page = http.get("/operator/login")
        answer = http.post(
            "/operator/login",
            data={"name": name, "password": password, "totp": totp, "csrf": form_csrf(page)},
        )
        return http, answer

    def logged_in(self, role: Role) -> httpx.Client:
        """A client logged in as a fresh operator named after its role."""
        name = f"{role.value}-{next(_names)}"
        self.operator(name, role)
        http, answer = self.login(name)
        assert answer.status_code == 303, answer.text
        return http


@pytest.fixture
def console(app: App) -> Iterator[Console]:
    with live_server(create_app(app, credential_ttl_s=0)) as url:
        served = Console(url, app)
        try:
            yield served
        finally:
            served.close()
