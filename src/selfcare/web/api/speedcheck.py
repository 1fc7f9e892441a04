"""The customer's contract figures for the speed check: set by the operator, read by both.

The verdict compares measurements with what the contract promises (maximum, normally
available and minimum speed per direction, kbit/s) and estimates a reduction from the
monthly price; selfcare cannot know these, so the operator's systems put them here
(`PUT /api/v1/speedcheck/contracts/{id}`, scope `pilot:admin`). The operator
(`pilot:admin` or `grants:read`) and the customer's own token read them at
`GET /api/v1/customers/{id}/speedcheck/contract` (two paths, not one with two methods:
each path then has one route, and a 405 names every method the path supports). A series
completed before the figures came is judged when they are set, so its deviation event is
not lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator

from selfcare.auth.principals import OperatorKey
from selfcare.auth.scopes import Scope
from selfcare.domain.speedcheck.models import Contract, SpeedTier
from selfcare.speedcheck.deviation import DeviationNotice
from selfcare.speedcheck.storage import UnitOfWorkMeasurementStore, set_contract, stored_contract
from selfcare.web.deps import Caller, Ctx, CustomerIdPath, PilotAdmin
from selfcare.web.errors import SelfcareHTTPError, problems

router = APIRouter(prefix="/api/v1", tags=["speed check"])
MAX_KBPS = 100_000_000  # 100 Gbit/s: far beyond any access line


class SpeedTierBody(BaseModel):
    """One direction's contracted speeds in kbit/s (1 Mbit/s = 1000 kbit/s)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # 1 is a speed, true is not

    max_kbps: int = Field(gt=0, le=MAX_KBPS, description="Contracted maximum speed.")
    normal_kbps: int = Field(gt=0, le=MAX_KBPS, description="Normally available speed.")
    min_kbps: int = Field(gt=0, le=MAX_KBPS, description="Contracted minimum speed.")

    @model_validator(mode="after")
    def ordered(self) -> Self:
        if not self.min_kbps <= self.normal_kbps <= self.max_kbps:
            msg = "speeds must satisfy min_kbps ≤ normal_kbps ≤ max_kbps"
            raise ValueError(msg)
        return self

    def tier(self) -> SpeedTier:
        return SpeedTier(self.max_kbps, self.normal_kbps, self.min_kbps)


class SpeedContractWrite(BaseModel):
    """The contract figures of one customer's fixed line."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "download": {"max_kbps": 100000, "normal_kbps": 80000, "min_kbps": 60000},
                    "upload": {"max_kbps": 40000, "normal_kbps": 30000, "min_kbps": 20000},
                    "price_cents": 3999,
                }
            ]
        },
    )

    download: SpeedTierBody
    upload: SpeedTierBody
    price_cents: int | None = Field(
        default=None, ge=0, le=10_000_000, description="Monthly price, for the estimate."
    )


class SpeedContractRead(SpeedContractWrite):
    customer_id: str
    updated_at: datetime


def contract_reader(customer_id: CustomerIdPath, caller: Caller) -> str:
    """Who may read the figures: the operator who sets them (`pilot:admin`), readers of
    every customer (`grants:read`) and the customer's own token; other ids get 403 before
    anything is looked up."""
    if not (isinstance(caller, OperatorKey) and Scope.PILOT_ADMIN in caller.scopes):
        caller.require_customer(customer_id)
    return customer_id


def _read(customer_id: str, contract: Contract, updated_at: datetime) -> SpeedContractRead:
    """The figures as the API shows them: the contract's tiers read by attribute."""
    return SpeedContractRead.model_validate(
        {
            "customer_id": customer_id,
            "download": contract.download,
            "upload": contract.upload,
            "price_cents": contract.price_cents,
            "updated_at": updated_at,
        },
        from_attributes=True,
    )


@router.put(
    "/speedcheck/contracts/{customer_id}",
    summary="Set a customer's contract figures for the speed check (scope pilot:admin)",
    response_model=SpeedContractRead,
    responses=problems(400, 401, 403, 413, 422),
)
def put_contract(
    customer_id: CustomerIdPath, body: SpeedContractWrite, ctx: Ctx, _: PilotAdmin
) -> SpeedContractRead:
    app = ctx.app
    contract = Contract(body.download.tier(), body.upload.tier(), body.price_cents)
    now = app.clock()
    set_contract(app.uow, customer_id, contract, now=now)
    notice = DeviationNotice(app.ingestor, app.uow)
    notice.review(UnitOfWorkMeasurementStore(app.uow), customer_id, contract)
    return _read(customer_id, contract, now)


@router.get(
    "/customers/{customer_id}/speedcheck/contract",
    summary="A customer's contract figures for the speed check",
    response_model=SpeedContractRead,
    responses=problems(401, 403, 404, 422),
)
def get_contract(
    customer_id: Annotated[str, Depends(contract_reader)], ctx: Ctx
) -> SpeedContractRead:
    stored = stored_contract(ctx.app.uow, customer_id)
    if stored is None:
        raise SelfcareHTTPError(404, "not_found", "no speed check contract figures on record")
    return _read(customer_id, stored.contract, stored.updated_at)
