"""The published OpenAPI document: hand-read bodies and problem+json made explicit.

Two event routes read their bodies themselves (size cap, JSON Lines, quarantine), so their
request schemas are declared here; every error answer points at the `Problem` schema.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from selfcare.web.api.schemas import EventCreate
from selfcare.web.errors import Problem

REF = "#/components/schemas/{model}"
_EXTRA_SCHEMAS: tuple[type[BaseModel], ...] = (Problem, EventCreate)


def body_schema(content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`openapi_extra` for a required request body with one schema per media type."""
    return {
        "requestBody": {
            "required": True,
            "content": {media: {"schema": schema} for media, schema in content.items()},
        }
    }


def install(app: FastAPI) -> None:
    """Replace `app.openapi` with one that also publishes the Problem and EventCreate schemas."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in _EXTRA_SCHEMAS:
            schema = model.model_json_schema(ref_template=REF)
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas[model.__name__] = schema
        app.openapi_schema = document
        return document

    app.openapi = build  # type: ignore[method-assign]
