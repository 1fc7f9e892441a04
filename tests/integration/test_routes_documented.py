"""Every API route the service answers is documented: docs/api.md lists each route of the
OpenAPI document, `/metrics` and the speed check's routes (pages and the test's transfers,
which scripts call), and the README's API table lists each route of the OpenAPI document
and `/metrics`. A route added without its line fails here. The customer pages and the
operator console are pages, not API, and are described with their features."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from selfcare.bootstrap import build
from selfcare.config import Settings
from selfcare.web.app import create_app
from tests.routes import routes_of

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[set[tuple[str, str, bool]]]:
    folder = tmp_path_factory.mktemp("routes")
    wired = build(Settings(database_url=f"sqlite:///{folder / 'selfcare.db'}"))
    try:
        yield routes_of(create_app(wired))
    finally:
        wired.close()


def documented(markdown: str) -> set[tuple[str, str]]:
    """`METHOD /path` mentions, path parameters written any way (`{id}`, `{customer_id}`);
    `GET /a`, `/b` in one cell names both."""
    found = set()
    for line in markdown.splitlines():
        for method, path, more in re.findall(
            r"`(GET|POST|PUT|DELETE|PATCH) (/[^`]*)`((?:, `/[^`]*`)*)", line
        ):
            found.add((method, _shape(path)))
            found.update((method, _shape(other)) for other in re.findall(r"`(/[^`]*)`", more))
    return found


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", maxsplit=1)[0])


def test_routes_are_found(routes: set[tuple[str, str, bool]]) -> None:
    paths = {path for _, path, _ in routes}
    assert {"/health", "/api/v1/events", "/speedtest/evidence", "/metrics"} <= paths


def test_docs_api_lists_every_route(routes: set[tuple[str, str, bool]]) -> None:
    listed = documented((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    api = [
        (m, p)
        for m, p, in_schema in routes
        if in_schema or p == "/metrics" or p.startswith("/speedtest/")
    ]
    missing = sorted((m, p) for m, p in api if (m, _shape(p)) not in listed)
    assert missing == []


def test_the_readme_lists_every_api_route(routes: set[tuple[str, str, bool]]) -> None:
    listed = documented((ROOT / "README.md").read_text(encoding="utf-8"))
    api = [(m, p) for m, p, in_schema in routes if in_schema or p == "/metrics"]
    missing = sorted((m, p) for m, p in api if (m, _shape(p)) not in listed)
    assert missing == []
