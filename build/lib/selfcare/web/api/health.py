"""Liveness with a real database round trip, for load balancers and `selfcare serve` users."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from selfcare.web.api.schemas import HealthRead
from selfcare.web.deps import Ctx, WebContext
from selfcare.web.errors import SelfcareHTTPError, problems

router = APIRouter(tags=["health"])


def _ping(ctx: WebContext) -> None:
    with ctx.app.uow(read_only=True) as work:
        work.session.execute(text("SELECT 1"))


@router.get("/health", response_model=HealthRead, responses=problems(503))
async def health(ctx: Ctx) -> HealthRead:
    """`ok` when the database answers; 503 problem+json when it does not."""
    try:
        await ctx.read(_ping, ctx)
    except SQLAlchemyError:
        raise SelfcareHTTPError(503, "unavailable", "the database does not answer") from None
    return HealthRead(status="ok", database="ok", program=ctx.app.program.id)
