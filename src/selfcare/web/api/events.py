"""Event ingest over HTTP: one event, or a batch as a JSON array or JSON Lines."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from selfcare.auth.scopes import Scope
from selfcare.ingest.backfill import NOTE, sent_recorded_at, stamp_rows, without_recorded_at
from selfcare.ingest.outcome import BatchOutcome, RowOutcome, RowStatus, conflict_fields_json
from selfcare.ingest.rows import RawRow, rows_from_jsonl, rows_from_objects
from selfcare.ingest.service import submit_batch
from selfcare.web.api.schemas import (
    BatchResultRead,
    ConflictRead,
    EventAcceptedRead,
    RowResultRead,
)
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
from selfcare.web.deps import Ctx, EventsWriter
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
async def post_event(
    request: Request, response: Response, ctx: Ctx, caller: EventsWriter
) -> EventAcceptedRead:
    """Store one event. Re-sending it is harmless (200, `duplicate`); the same id with
    other content is refused with 409 naming the fields that differ (never their stored
    values: a writer may not read what is stored). An invalid event is
    quarantined with the reason and refused with 422. `recorded_at` is kept only from a
    key with `events:backfill`; otherwise the time of receipt is stored, and the answer
    says so (`recorded_at_ignored`, `notes`)."""
    media = media_type(request)
    if not is_json(media):
        raise unsupported(media, "application/json")
    text = decode_text(await read_capped(request, ctx.limits.event))
    value = parse_json_text(text)
    if not isinstance(value, dict):
        raise SelfcareHTTPError(422, "invalid_input", "body: must be one JSON object (an event)")
    ignored = sent_recorded_at(value) and not caller.allows(Scope.EVENTS_BACKFILL)
    if ignored:
        value = without_recorded_at(value)
    outcome = await ctx.events.submit(value)
    outcome.raise_for_refusal()
    duplicate = outcome.status is RowStatus.DUPLICATE
    response.status_code = 200 if duplicate else 201
    return EventAcceptedRead(
        event_id=outcome.event_id or "",
        status="duplicate" if duplicate else "created",
        grants=outcome.grants,
        held=outcome.held,
        recorded_at_ignored=ignored,
        notes=[NOTE] if ignored else [],
    )


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
async def post_batch(request: Request, ctx: Ctx, caller: EventsWriter) -> BatchResultRead:
    """Store up to 10,000 events in one transaction. Invalid rows are quarantined with the
    reason (never lost, never mixed in); the valid rows are stored. One result per row.
    Without `events:backfill`, sent `recorded_at` values are replaced by the time of
    receipt; `recorded_at_ignored` counts them."""
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
    ignored = 0
    if not caller.allows(Scope.EVENTS_BACKFILL):
        stamped = stamp_rows(rows)
        rows, ignored = stamped.rows, stamped.ignored
    outcome = await ctx.write(submit_batch, ctx.app.ingestor, rows, source="api:batch")
    return batch_read(outcome, recorded_at_ignored=ignored)


def batch_read(outcome: BatchOutcome, *, recorded_at_ignored: int = 0) -> BatchResultRead:
    """The answer to a batch: its counts and one entry per row, in input order, and how
    many sent `recorded_at` values were replaced by the time of receipt."""
    report = outcome.report
    return BatchResultRead(
        received=report.received,
        accepted=report.accepted,
        duplicates=report.duplicates,
        conflicts=[ConflictRead.model_validate(conflict_fields_json(c)) for c in report.conflicts],
        quarantined=outcome.quarantined,
        grants=len(report.grants),
        held=len(report.held),
        rows=[_row_read(row) for row in outcome.rows],
        recorded_at_ignored=recorded_at_ignored,
        notes=[NOTE] if recorded_at_ignored else [],
    )


def _row_read(row: RowOutcome) -> RowResultRead:
    problem = row.problem if row.status is RowStatus.QUARANTINED else None
    return RowResultRead(
        line=row.line,
        event_id=row.event_id,
        status=row.status.value,
        field=problem.field if problem else None,
        reason=problem.reason if problem else None,
    )
