"""Operator views (scope `pilot:admin`): grants held for budget, quarantined rows, budget."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from selfcare.customers.queries import grant_json, quarantine_page
from selfcare.grants.budget import budget_status
from selfcare.grants.ledger import list_grants
from selfcare.store.ledger_repository import HELD
from selfcare.web.api.schemas import BudgetRead, HeldGrantsRead, QuarantinePageRead
from selfcare.web.deps import Ctx, PilotAdmin
from selfcare.web.errors import problems

router = APIRouter(prefix="/api/v1", tags=["operator"])
ADMIN_PROBLEMS = problems(401, 403, 422)


@router.get(
    "/grants/held",
    summary="Grants held for lack of budget, in release order",
    response_model=HeldGrantsRead,
    responses=ADMIN_PROBLEMS,
)
def held_grants(
    ctx: Ctx, _: PilotAdmin, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
) -> HeldGrantsRead:
    records = list_grants(uow=ctx.app.uow, program_id=ctx.app.program.id, status=HELD, limit=limit)
    return HeldGrantsRead.model_validate(
        {"held": [grant_json(r) | {"customer_id": r.customer_id} for r in records]}
    )


@router.get(
    "/quarantine",
    summary="Rows that were not accepted, with the reason, oldest first",
    response_model=QuarantinePageRead,
    responses=ADMIN_PROBLEMS,
)
def quarantine(
    ctx: Ctx,
    _: PilotAdmin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> QuarantinePageRead:
    page = quarantine_page(uow=ctx.app.uow, limit=limit, offset=offset)
    return QuarantinePageRead.model_validate(
        {"total": page.total, "items": page.items}, from_attributes=True
    )


@router.get(
    "/budget",
    summary="The program's data budget, what is spent and what is held",
    response_model=BudgetRead,
    responses=problems(401, 403),
)
def budget(ctx: Ctx, _: PilotAdmin) -> BudgetRead:
    app = ctx.app
    status = budget_status(uow=app.uow, program=app.program, clock=app.clock)
    return BudgetRead(
        program_id=status.program_id,
        total_mb=status.total_mb,
        monthly_mb=status.monthly_mb,
        spent_total_mb=status.spent_total_mb,
        spent_by_month=status.spent_by_month,
        held_grants=status.held_grants,
        held_mb=status.held_mb,
    )
