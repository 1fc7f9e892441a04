"""Real auth on a live server: keys and tokens hashed at rest, 401 without usable
credentials, 403 without the scope, customer tokens bound to one customer and expiring."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from selfcare.auth.scopes import Scope
from selfcare.auth.secrets import digest
from selfcare.auth.service import create_api_key, create_customer_token, revoke_api_key
from tests.commands import selfcare_json
from tests.integration.api_fixtures import Api, api, problem

pytestmark = pytest.mark.integration
__all__ = ["api"]

EVENT = {
    "event_id": "e1",
    "customer_id": "c1",
    "type": "invitation_accepted",
    "occurred_at": "2026-01-05T08:00:00Z",
}


def selfcare(database_url: str, *args: str) -> dict[str, Any]:
    """Run the real `selfcare` command on this database; its one JSON document."""
    return selfcare_json(*args, env=os.environ | {"SELFCARE_DATABASE_URL": database_url})


def database_text(api: Api) -> str:
    """Every value of every table of the database, as one text."""
    metadata = MetaData()
    metadata.reflect(api.app.engine)
    parts: list[str] = []
    with api.app.engine.connect() as connection:
        for table in metadata.sorted_tables:
            parts.extend(repr(tuple(row)) for row in connection.execute(select(table)))
    return "\n".join(parts)


def test_keys_and_tokens_from_the_cli_work_and_only_their_hashes_are_stored(
    api: Api, database_url: str
) -> None:
    key = selfcare(
        database_url,
        "apikey",
        "create",
        "--name",
        "call centre",
        "--scopes",
        "events:write,grants:read",
    )["key"]
    token = selfcare(database_url, "token", "create", "--customer", "c1")["token"]
    with api.client(key) as http:
        assert http.post("/api/v1/events", json=EVENT).status_code == 201
    with api.client(token) as http:
        assert http.get("/api/v1/customers/c1/progress").status_code == 200
    stored = database_text(api)
    assert key not in stored
    assert token not in stored
    assert digest(key) in stored
    assert digest(token) in stored


def test_a_request_without_credentials_is_401_with_a_bearer_challenge(api: Api) -> None:
    with api.client() as http:
        answer = http.post("/api/v1/events", json=EVENT)
    assert problem(answer, 401)["code"] == "unauthenticated"
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer sck_not-a-key-we-issued",
        "Bearer sct_not-a-token-we-issued",
        "Bearer something-else",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
    ids=["unknown key", "unknown token", "no prefix", "basic auth", "huge"],
)
def test_unusable_credentials_are_401(api: Api, authorization: str) -> None:
    with api.client() as http:
        answer = http.get("/api/v1/customers/c1/progress", headers={"Authorization": authorization})
    problem(answer, 401)


def test_a_key_without_the_scope_is_403(api: Api) -> None:
    with api.client(api.key(Scope.GRANTS_READ)) as http:
        body = problem(http.post("/api/v1/events", json=EVENT), 403)
    assert "events:write" in body["detail"]


def test_a_customer_token_cannot_write_events(api: Api) -> None:
    with api.client(api.customer_token("c1")) as http:
        problem(http.post("/api/v1/events", json=EVENT), 403)


def test_an_expired_customer_token_is_401(api: Api) -> None:
    issued = create_customer_token(
        uow=api.app.uow,
        customer_id="c1",
        ttl=timedelta(days=1),
        now=datetime.now(UTC) - timedelta(days=2),
    )
    with api.client(issued.token) as http:
        problem(http.get("/api/v1/customers/c1/progress"), 401)


def test_a_revoked_key_stops_working(api: Api) -> None:
    issued = create_api_key(uow=api.app.uow, name="old", scopes=frozenset({Scope.EVENTS_WRITE}))
    with api.client(issued.key) as http:
        assert http.post("/api/v1/events", json=EVENT).status_code == 201
        assert revoke_api_key(uow=api.app.uow, key_id=issued.id)
        problem(http.post("/api/v1/events", json=EVENT), 401)


def test_health_needs_no_credentials(api: Api) -> None:
    with api.client() as http:
        answer = http.get("/health")
    assert answer.json() == {"status": "ok", "database": "ok", "program": "online-statt-hotline"}
