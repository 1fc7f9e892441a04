"""Errors as RFC 9457 problem+json with the TM Forum fields `code`, `reason`, `message`.

Only this module turns SelfcareErrors into HTTP answers. Every answer the API gives on
failure has the same shape, so a client needs one error handler; nothing escapes as 500
with a stack trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from selfcare.auth.principals import NotAuthenticated
from selfcare.errors import Conflict, InvalidInput, NotAllowed, SelfcareError, UnknownCustomer
from selfcare.ingest.outcome import EventConflict

PROBLEM_JSON = "application/problem+json"
UNAUTHENTICATED = 401
log = logging.getLogger(__name__)

_STATUS: tuple[tuple[type[SelfcareError], int, str], ...] = (
    (NotAuthenticated, 401, "unauthenticated"),
    (NotAllowed, 403, "forbidden"),
    (UnknownCustomer, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (InvalidInput, 422, "invalid_input"),
)


class Problem(BaseModel):
    """An RFC 9457 problem detail with the TMF error fields (`code`, `reason`, `message`)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = None
    code: str = Field(description="Machine-readable error code (TMF).")
    reason: str = Field(description="Short reason (TMF), same as `title`.")
    message: str = Field(description="What went wrong (TMF), same as `detail`.")


class SelfcareHTTPError(SelfcareError):
    """An answer decided in the web layer itself (e.g. 413, 415) with extra problem fields."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.extra = extra


def problem_response(
    status: int, code: str, detail: str, *, instance: str | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json answer; `extra` adds fields such as `errors` or `fields`."""
    title = _title(status)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "reason": title,
        "message": detail,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == UNAUTHENTICATED else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _title(status: int) -> str:
    """The status's standard reason phrase ("Not Found"), the problem's `title`."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def status_of(error: SelfcareError) -> tuple[int, str]:
    """The HTTP status and code for a SelfcareError (most specific class first)."""
    if isinstance(error, SelfcareHTTPError):
        return error.status, error.code
    for kind, status, code in _STATUS:
        if isinstance(error, kind):
            return status, code
    return 400, "bad_request"


async def _on_selfcare_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SelfcareError)  # noqa: S101 (registered for this class only)
    status, code = status_of(exc)
    response = problem_response(status, code, str(exc), instance=request.url.path, **_extra(exc))
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _extra(error: SelfcareError) -> dict[str, Any]:
    """Problem fields beyond the standard ones: the fields in which a conflicting event
    differs (names only: a writer may not read what is stored)."""
    if isinstance(error, SelfcareHTTPError):
        return error.extra
    if isinstance(error, EventConflict) and (fields := error.fields()) is not None:
        return {"fields": fields}
    return {}


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 (registered for this class only)
    errors = [_plain_error(e) for e in exc.errors()][:50]
    first = errors[0] if errors else {"field": "-", "problem": "invalid"}
    detail = f"{first['field']}: {first['problem']}"
    return problem_response(422, "invalid_input", detail, instance=request.url.path, errors=errors)


def _plain_error(error: Any) -> dict[str, str]:
    """One validation error as `{field, problem}` in the sender's terms (no echoed input)."""
    location = [str(p) for p in error.get("loc", ()) if p != "body"]
    problem = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        problem = "unknown field"
    elif error.get("type") == "missing":
        problem = "is required"
    return {"field": ".".join(location) or "-", "problem": problem}


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)  # noqa: S101 (registered for this class only)
    title = _title(exc.status_code)
    code = getattr(exc, "code", None) or title.lower().replace(" ", "_")
    detail = exc.detail if isinstance(exc.detail, str) else title
    response = problem_response(exc.status_code, code, detail, instance=request.url.path)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return problem_response(
        500, "internal_error", "unexpected error; it was logged", instance=request.url.path
    )


def install(app: FastAPI) -> None:
    """Make every failure of `app` answer problem+json."""
    app.add_exception_handler(SelfcareError, _on_selfcare_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)


PROBLEM_RESPONSE = {"model": Problem, "content": {PROBLEM_JSON: {}}}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting problem+json for these statuses."""
    return {
        status: {
            "description": _title(status),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
