"""A customer's own view: progress (as `selfcare evaluate` shows it), grants, timeline.

Readable with `grants:read` or with the customer's own token. Another customer's id is
refused with 403 before anything is looked up, so the answer never tells whether it exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse, Response

from selfcare.auth.principals import Principal
from selfcare.auth.service import create_customer_token, list_customer_tokens, revoke_customer_token
from selfcare.bootstrap import App
from selfcare.customers.projection import get_progress
from selfcare.customers.queries import (
    Lookup,
    current_snapshot,
    customer_events,
    grant_json,
    lookup_progress,
    refused_grants,
    require_known,
    with_rejected_apart,
)
from selfcare.customers.timeline import timeline_entries
from selfcare.domain.milestone import next_milestone
from selfcare.domain.progress import CustomerProgress, customer_to_json
from selfcare.grants.ledger import customer_grants
from selfcare.web.api.schemas import (
    CustomerGrantsRead,
    CustomerTokenCreate,
    CustomerTokenRead,
    ProgressRead,
    TimelineRead,
)
from selfcare.web.deps import Ctx, CustomerIdPath, ReadableCustomer, TokenIssuer, WebContext
from selfcare.web.errors import SelfcareHTTPError, problems

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])
READ_PROBLEMS = problems(401, 403, 404, 422)


async def progress_of(ctx: WebContext, customer_id: str, today: date) -> CustomerProgress:
    """The customer's progress as of today: the stored snapshot, read on the event loop
    while it still answers (the common case); otherwise re-projected by the
    core service in the thread pool (it stores the new snapshot, a write)."""
    app = ctx.app
    snapshot = await ctx.read(
        current_snapshot,
        uow=app.uow,
        program_id=app.program.id,
        customer_id=customer_id,
        as_of=today,
    )
    if snapshot is not None:
        return snapshot
    return await ctx.write(
        get_progress, uow=app.uow, program=app.program, customer_id=customer_id, as_of=today
    )


async def stored_lookup(ctx: WebContext, customer_id: str, today: date) -> Lookup:
    """The stored snapshot if it still answers (else None) and the (reward, period) of the
    customer's refused grants, in one read: on SQLite on a pooled driver connection, on
    PostgreSQL one prepared statement on the event loop's own connections (one round trip,
    no thread hop); UnknownCustomer when nothing is stored."""
    app = ctx.app
    if ctx.lookup is not None:
        return await ctx.lookup(app.program.id, customer_id, today)
    return await ctx.read(
        lookup_progress,
        engine=app.engine,
        program_id=app.program.id,
        customer_id=customer_id,
        as_of=today,
    )


async def progress_and_refused(
    ctx: WebContext, customer_id: str, today: date
) -> tuple[CustomerProgress, frozenset[tuple[str, str]]]:
    """Progress as `progress_of` gives it, and the refused grants: `stored_lookup` when the
    snapshot answers, else re-projected by the core service and the ledger read."""
    found = await stored_lookup(ctx, customer_id, today)
    if found.progress is not None:
        return found.progress, found.refused
    app = ctx.app
    progress = await ctx.write(
        get_progress, uow=app.uow, program=app.program, customer_id=customer_id, as_of=today
    )
    ledger = await ctx.read(customer_grants, uow=app.uow, customer_id=customer_id)
    return progress, refused_grants(ledger, app.program.id)


def progress_json(
    app: App, progress: CustomerProgress, today: date, refused: frozenset[tuple[str, str]]
) -> dict[str, Any]:
    """The customer's entry of `selfcare evaluate` as of today, plus the next milestone;
    grants the charging system refused are listed as `rejected`, not as earned."""
    milestone = next_milestone(app.program, progress)
    return {
        "as_of": today.isoformat(),
        **with_rejected_apart(customer_to_json(progress), refused),
        "next_milestone": milestone.to_json() if milestone else None,
    }


@router.get(
    "/{customer_id}/progress",
    summary="A customer's progress, as `selfcare evaluate` shows it, plus the next milestone",
    response_model=ProgressRead,
    responses=READ_PROBLEMS,
)
async def read_progress(customer_id: ReadableCustomer, ctx: Ctx) -> JSONResponse:
    today = ctx.app.today()
    progress, refused = await progress_and_refused(ctx, customer_id, today)
    return JSONResponse(progress_json(ctx.app, progress, today, refused))


@router.get(
    "/{customer_id}/grants",
    summary="A customer's grants in the ledger and whether they reached the charging system",
    response_model=CustomerGrantsRead,
    responses=READ_PROBLEMS,
)
async def read_grants(customer_id: ReadableCustomer, ctx: Ctx) -> JSONResponse:
    app = ctx.app
    records = await ctx.read(customer_grants, uow=app.uow, customer_id=customer_id)
    if not records:
        await ctx.read(
            require_known, uow=app.uow, program_id=app.program.id, customer_id=customer_id
        )
    return JSONResponse({"customer_id": customer_id, "grants": [grant_json(r) for r in records]})


@router.get(
    "/{customer_id}/timeline",
    summary="Everything that happened to a customer: events, call verdicts, grants",
    response_model=TimelineRead,
    responses=READ_PROBLEMS,
)
async def read_timeline(customer_id: ReadableCustomer, ctx: Ctx) -> JSONResponse:
    app = ctx.app
    today = app.today()
    progress = await progress_of(ctx, customer_id, today)
    events = await ctx.read(customer_events, uow=app.uow, customer_id=customer_id)
    grants = await ctx.read(customer_grants, uow=app.uow, customer_id=customer_id)
    return JSONResponse(
        {
            "customer_id": customer_id,
            "as_of": today.isoformat(),
            "entries": timeline_entries(app.program, progress, events, grants),
        }
    )


@router.post(
    "/{customer_id}/tokens",
    status_code=201,
    summary="Issue a token with which this customer reads their own progress",
    response_model=CustomerTokenRead,
    responses=problems(400, 401, 403, 413, 422, 429),
)
async def issue_token(
    customer_id: CustomerIdPath,
    ctx: Ctx,
    issuer: TokenIssuer,
    body: Annotated[CustomerTokenCreate | None, Body()] = None,
) -> CustomerTokenRead:
    """For the operator's portal or app backend (scope `customers:token`); shown once.
    Limited per calling key and per customer (429 with Retry-After)."""
    _limit_token_issue(ctx, issuer, customer_id)
    ttl = timedelta(days=(body or CustomerTokenCreate()).ttl_days)
    issued = await ctx.write(
        create_customer_token, uow=ctx.app.uow, customer_id=customer_id, ttl=ttl
    )
    return CustomerTokenRead(
        id=issued.id,
        customer_id=issued.customer_id,
        token=issued.token,
        expires_at=issued.expires_at,
    )


def _limit_token_issue(ctx: WebContext, issuer: Principal, customer_id: str) -> None:
    caller = getattr(issuer, "key_id", "-")
    limits = ctx.rate_limits
    ctx.rates.check(limits.token_per_client, "token:client", caller, "token requests")
    ctx.rates.check(limits.token_per_customer, "token:customer", customer_id, "token requests")


@router.delete(
    "/{customer_id}/tokens/{token_id}",
    status_code=204,
    summary="Revoke a customer token (and end the browser sessions opened with it)",
    responses=problems(401, 403, 404, 422),
)
async def revoke_token(
    customer_id: CustomerIdPath,
    token_id: Annotated[str, Path(min_length=1, max_length=36)],
    ctx: Ctx,
    _: TokenIssuer,
) -> Response:
    """Refused at once in this process (the credential cache forgets it); other processes
    of the service stop accepting it within their cache lifetime (10 s)."""
    known = await ctx.read(list_customer_tokens, uow=ctx.app.uow, customer_id=customer_id)
    if token_id not in {t.id for t in known}:
        raise SelfcareHTTPError(404, "not_found", "no such token for this customer")
    await ctx.write(revoke_customer_token, uow=ctx.app.uow, token_id=token_id)
    ctx.authenticate.forget(token_id)
    return Response(status_code=204)
