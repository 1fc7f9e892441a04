"""The endpoints of the service's FastAPI app, for tests that must cover every route."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI


def routes_of(api: FastAPI) -> set[tuple[str, str, bool]]:
    """(method, path, in the OpenAPI document) of every endpoint. FastAPI 0.165 (pinned)
    keeps included routers as wrappers whose `effective_route_contexts()` name them."""
    found = set()

    def add(route: Any) -> None:
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                found.add((method, route.path, bool(route.include_in_schema)))

    for route in api.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for each in contexts() if contexts else [route]:
            add(each)
    return found
