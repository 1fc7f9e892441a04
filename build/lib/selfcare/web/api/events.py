"""Event ingest over HTTP: one event, or a batch as a JSON array or JSON Lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from selfcare.errors import InvalidInput
from selfcare.ingest.rows import RawRow, RowProblem, rows_from_jsonl, rows_from_objects
from selfcare.ingest.service import IngestReport, ingest_rows
from selfcare.web.api.schemas import BatchResultRead, EventAcceptedRead, EventCreate
from selfcare.web.body import (
    JSON_LINES,
    decode_text,
    is_json,
    media_type,
    parse_json,
    parse_json_text,
    read_capped,
    unsupported,
)
from selfcare.web.deps import Ctx, EventsWriter, WebContext
from selfcare.web.errors import SelfcareHTTPError, problems
from selfcare.web.openapi import body_schema

router = APIRouter(prefix="/api/v1", tags=["events"])


@router.post(
    "/events",
    status_code=201,
    summary="Ingest one event",
    response_model=EventAcceptedRead,
    responses={
        200: {"model": EventAcceptedRead, "description": "Already stored (duplicate)."},
        **problems(400, 401, 403, 409, 413, 415, 422),
    },
    openapi_extra=body_schema({"application/json": {"$ref": "#/components/schemas/EventCreate"}}),
)
async def post_event(request: Request, ctx: Ctx, _: EventsWriter) -> JSONResponse:
    """Store one event. Re-sending it is harmless (200, `duplicate`); the same id with
    other content is refused with 409 showing both versions. An invalid event is
    quarantined with the reason and refused with 422."""
    media = media_type(request)
    if not is_json(media):
        raise unsupported(media, "application/json")
    text = decode_text(await read_capped(request, ctx.limits.event))
    value = parse_json_text(text)
    if not isinstance(value, dict):
        raise SelfcareHTTPError(422, "invalid_input", "body: must be one JSON object (an event)")
    await _check_types(ctx, text)
    outcome = await ctx.events.submit(value)
    if outcome.conflict is not None:
        item = outcome.conflict
        raise SelfcareHTTPError(
            409,
            "conflict",
            f"event {item.event_id!r} is already stored with other content",
            versions={"stored": item.stored, "received": item.received},
        )
    if outcome.problem is not None:
        raise InvalidInput(f"{outcome.problem.field}: {outcome.problem.reason}")
    duplicate = outcome.status == "duplicate"
    answer = EventAcceptedRead(
        event_id=str(value.get("event_id", "")).strip(),
        status="duplicate" if duplicate else "created",
        grants=outcome.grants,
        held=outcome.held,
    )
    return JSONResponse(answer.model_dump(mode="json"), status_code=200 if duplicate else 201)


@router.post(
    "/events:batch",
    summary="Ingest a batch of events (JSON array or JSON Lines)",
    response_model=BatchResultRead,
    responses=problems(400, 401, 403, 413, 415, 422),
    openapi_extra=body_schema(
        {
            "application/json": {
                "type": "array",
                "maxItems": 10_000,
                "items": {},
                "description": "Events as in EventCreate; any other element is quarantined"
                " with the reason (the batch is not refused for it).",
            },
            "application/x-ndjson": {"type": "string", "description": "One event per line."},
        }
    ),
)
async def post_batch(request: Request, ctx: Ctx, _: EventsWriter) -> BatchResultRead:
    """Store up to 10,000 events in one transaction. Invalid rows are quarantined with the
    reason (never lost, never mixed in); the valid rows are stored. One result per row."""
    media = media_type(request)
    body = await read_capped(request, ctx.limits.batch)
    rows: list[RawRow]
    if is_json(media):
        value = parse_json(body)
        if not isinstance(value, list):
            raise SelfcareHTTPError(422, "invalid_input", "body: must be a JSON array of events")
        rows = list(rows_from_objects(value, source="api:batch"))
    elif media in JSON_LINES:
        rows = list(rows_from_jsonl(decode_text(body), source="api:batch"))
    else:
        raise unsupported(media, "application/json or application/x-ndjson")
    report = await ctx.write(ingest_rows, ctx.app.ingestor, rows, source="api:batch")
    return batch_result(rows, report)


async def _check_types(ctx: WebContext, text: str) -> None:
    """Hold a single event to the JSON types its schema documents (no `0` for `false`).

    Ingest itself is lenient because files (CSV) carry every value as text; an API client
    sending JSON gets exactly the published schema. A refused event is quarantined too.
    """
    try:
        EventCreate.model_validate_json(text, strict=True)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "-"
        reason = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        if error["type"] == "missing":
            reason = "is required"
        problem = RowProblem("api", 1, field, str(reason).removeprefix("Value error, "), text)
        await ctx.write(ingest_rows, ctx.app.ingestor, [(1, problem)], source="api")
        raise InvalidInput(f"{problem.field}: {problem.reason}") from None


def batch_result(rows: list[RawRow], report: IngestReport) -> BatchResultRead:
    """Per-row outcomes in input order, from the ingest report."""
    problems_by_line = {p.line: p for p in report.quarantined}
    conflict_lines = {c.line for c in report.conflicts}
    duplicate_lines = set(report.duplicate_lines)
    results = []
    for line, raw in rows:
        event_id = _event_id(raw)
        if line in conflict_lines:
            results.append({"line": line, "event_id": event_id, "status": "conflict"})
        elif line in problems_by_line:
            problem = problems_by_line[line]
            results.append(
                {
                    "line": line,
                    "event_id": event_id,
                    "status": "quarantined",
                    "field": problem.field,
                    "reason": problem.reason,
                }
            )
        elif line in duplicate_lines:
            results.append({"line": line, "event_id": event_id, "status": "duplicate"})
        else:
            results.append({"line": line, "event_id": event_id, "status": "stored"})
    return BatchResultRead.model_validate(
        {
            "received": report.received,
            "accepted": report.accepted,
            "duplicates": report.duplicates,
            "conflicts": [
                {"event_id": c.event_id, "line": c.line, "stored": c.stored, "received": c.received}
                for c in report.conflicts
            ],
            "quarantined": len(report.quarantined) - len(report.conflicts),
            "grants": len(report.grants),
            "held": len(report.held),
            "rows": results,
        }
    )


def _event_id(raw: Mapping[str, Any] | RowProblem) -> str | None:
    if isinstance(raw, RowProblem):
        return None
    value = raw.get("event_id")
    return value.strip() if isinstance(value, str) and value.strip() else None
