"""The progress lookup's fast lane (web/fastlane.py) answers exactly as the route does.

The shared `api` fixture checks credentials afresh on every request (cache lifetime 0),
where the lane never answers; here the credential cache keeps what it checked, as in
`selfcare serve`, so the second lookup of a caller takes the lane. Each test counts the
lane's answers, so a lane that silently handed everything to the route would fail them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from selfcare.auth.scopes import Scope
from selfcare.bootstrap import App
from selfcare.customers.queries import Lookup
from selfcare.web import fastlane
from selfcare.web.api.customers import stored_lookup
from selfcare.web.app import create_app
from selfcare.web.deps import WebContext
from tests.integration.api_fixtures import Api, live_server, problem
from tests.integration.test_api_metrics import registered, scrape

pytestmark = pytest.mark.integration
CUSTOMER = "cust-4711"
PROGRESS = f"/api/v1/customers/{CUSTOMER}/progress"


@pytest.fixture
def cached(app: App) -> Iterator[Api]:
    """The API as served: checked credentials remembered for a minute."""
    with live_server(create_app(app, credential_ttl_s=60)) as url:
        yield Api(url, app)


@pytest.fixture
def lane(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The customer ids of the lookups the fast lane read (and so answered or handed on)."""
    read: list[str] = []

    async def counted(ctx: WebContext, customer_id: str, today: date) -> Lookup:
        read.append(customer_id)
        return await stored_lookup(ctx, customer_id, today)

    monkeypatch.setattr(fastlane, "stored_lookup", counted)
    return read


def comparable(answer: httpx.Response) -> tuple[int, dict[str, str], Any]:
    headers = {k: v for k, v in answer.headers.items() if k != "x-request-id"}
    return answer.status_code, headers, answer.json()


def load(api: Api) -> None:
    with api.client(api.key(Scope.EVENTS_WRITE)) as http:
        assert http.post("/api/v1/events:batch", json=registered()).status_code == 200


def test_the_lane_answers_byte_for_byte_as_the_route(cached: Api, lane: list[str]) -> None:
    load(cached)
    with cached.client(cached.key(Scope.GRANTS_READ)) as http:
        by_route = http.get(PROGRESS)  # an unchecked credential: the route answers
        assert lane == []
        by_lane = http.get(PROGRESS)
        assert lane == [CUSTOMER]
    assert by_route.status_code == 200
    assert comparable(by_lane) == comparable(by_route)
    assert by_lane.content == by_route.content
    assert by_lane.headers["x-request-id"] != by_route.headers["x-request-id"]
    with cached.client(cached.key(Scope.METRICS_READ)) as http:
        scraped = scrape(http)
    labels = (
        ("method", "GET"),
        ("route", "/api/v1/customers/{customer_id}/progress"),
        ("status", "2xx"),
    )
    assert scraped["selfcare_http_request_duration_seconds_count", labels] == 2


def test_a_customer_token_reads_its_own_id_and_nothing_else(cached: Api, lane: list[str]) -> None:
    load(cached)
    token = cached.customer_token(CUSTOMER)
    with cached.client(token) as http:
        assert http.get(PROGRESS).status_code == 200
        assert http.get(PROGRESS).status_code == 200
        problem(http.get("/api/v1/customers/someone-else/progress"), 403)
    assert lane == [CUSTOMER]  # another id never reaches a read


def test_a_key_without_grants_read_unknown_ids_and_revoked_tokens_get_the_routes_answers(
    cached: Api, lane: list[str]
) -> None:
    load(cached)
    writer = cached.key(Scope.EVENTS_WRITE)
    with cached.client(writer) as http:
        # the write checks and remembers the key, so its lookup meets the lane
        assert http.post("/api/v1/events:batch", json=registered()).status_code == 200
        problem(http.get(PROGRESS), 403)
    with cached.client(cached.key(Scope.GRANTS_READ)) as http:
        http.get(PROGRESS)
        assert problem(http.get("/api/v1/customers/nobody/progress"), 404)["code"] == "not_found"
    issuer = cached.key(Scope.CUSTOMERS_TOKEN)
    with cached.client(issuer) as http:
        issued = http.post(f"/api/v1/customers/{CUSTOMER}/tokens").json()
    with cached.client(issued["token"]) as reader:
        assert reader.get(PROGRESS).status_code == 200
        assert reader.get(PROGRESS).status_code == 200
        with cached.client(issuer) as http:
            gone = http.delete(f"/api/v1/customers/{CUSTOMER}/tokens/{issued['id']}")
            assert gone.status_code == 204
        problem(reader.get(PROGRESS), 401)
    assert lane == ["nobody", CUSTOMER]  # first lookups of a key and a token take the route
