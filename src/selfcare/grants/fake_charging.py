"""A fake TMF654 charging system that fails the way real ones do, for tests and the demo.

`POST /topupBalance` applies a data top-up once per `Idempotency-Key` (a repeated key
returns the original resource with 200; first time 201; the same key with another body
409). Each top-up request meets at most one fault, chosen by seeded dice:

- `500`: answers 500 problem+json; nothing is applied.
- `timeout`: holds the answer back for `timeout_delay` seconds (longer than the client
  waits), then applies the top-up for one half of these requests and not for the other
  (seeded coin), answering into the void: the client cannot know which happened.
- `slow`: answers correctly after `slow_delay` seconds (shorter than the client waits).
- `lost`: applies the top-up, then closes the TCP connection without a single byte of
  answer (half with FIN, half with RST), the case that idempotency keys exist for.

Only `POST /topupBalance` meets faults; listing, health and admin always answer.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import uvicorn
from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from selfcare.errors import Conflict, InvalidInput
from selfcare.grants.charging import Fault
from selfcare.grants.fake_charging_memory import FaultDice, TopUpStore, check_rates

_DROP = "selfcare.drop_connection"
_Text = Annotated[str, Field(min_length=1, max_length=200)]


@dataclass
class FakeChargingState:
    """Everything one fake charging system holds: applied top-ups, fault dice, load."""

    store: TopUpStore = field(default_factory=TopUpStore)
    dice: FaultDice = field(default_factory=FaultDice)
    in_flight: int = 0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Quantity(_Model):
    amount: StrictInt = Field(gt=0, le=10_000_000)
    units: Literal["MB"]


class Ref(_Model):
    id: _Text
    name: str | None = Field(default=None, max_length=200)
    referred_type: str | None = Field(default=None, alias="@referredType", max_length=100)


class TopupBalanceCreate(_Model):
    """The TMF654 create body the fake accepts: a data top-up in MB for a party account."""

    model_config = ConfigDict(extra="allow")  # TMF bodies may carry more than we read
    at_type: Literal["TopupBalance"] = Field(alias="@type")
    amount: Quantity
    usage_type: Literal["data"] = Field(alias="usageType")
    party_account: Ref = Field(alias="partyAccount")
    product: list[Ref] | None = Field(default=None, max_length=10)
    channel: Ref | None = None
    reason: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=500)


class FaultSettings(_Model):
    """`POST /admin/faults`: new rates (omitted kinds become 0), optionally delays and seed."""

    rates: dict[Literal["500", "timeout", "slow", "lost"], float] = Field(default_factory=dict)
    slow_delay: float | None = Field(default=None, alias="slowDelay", ge=0, le=600)
    timeout_delay: float | None = Field(default=None, alias="timeoutDelay", ge=0, le=600)
    seed: int | None = None


def problem(status: int, code: str, reason: str, message: str) -> JSONResponse:
    """RFC 9457 problem+json carrying the TMF error fields code/reason/message/status."""
    doc = {"type": "about:blank", "title": reason, "status": status, "detail": message}
    doc |= {"code": code, "reason": reason, "message": message}
    return JSONResponse(doc, status_code=status, media_type="application/problem+json")


def create_app(state: FakeChargingState | None = None) -> ASGIApp:
    """The fake charging system as an ASGI app (wrapped so `lost` can drop connections)."""
    state = state or FakeChargingState()
    api = FastAPI(title="selfcare fake charging (TMF654)", version="1")
    api.state.charging = state
    _add_error_handlers(api)
    _add_topup_routes(api, state)
    _add_admin_routes(api, state)
    return DropConnection(api)


def _add_topup_routes(api: FastAPI, state: FakeChargingState) -> None:
    @api.post("/topupBalance", status_code=201)
    async def create_topup(
        body: TopupBalanceCreate,
        request: Request,
        idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
    ) -> JSONResponse:
        state.in_flight += 1
        try:
            return await _create(state, body, request, idempotency_key)
        finally:
            state.in_flight -= 1

    @api.get("/topupBalance")
    def list_topups(
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    ) -> JSONResponse:
        page = state.store.page(offset, limit)
        headers = {"X-Total-Count": str(len(state.store)), "X-Result-Count": str(len(page))}
        return JSONResponse(page, headers=headers)

    @api.get("/topupBalance/{topup_id}")
    def get_topup(topup_id: str) -> JSONResponse:
        resource = state.store.get(topup_id)
        if resource is None:
            return problem(404, "NOT_FOUND", "Not Found", f"no TopupBalance {topup_id!r}")
        return JSONResponse(resource)


async def _create(
    state: FakeChargingState, body: TopupBalanceCreate, request: Request, key: str | None
) -> JSONResponse:
    dice = state.dice
    fault = dice.roll()
    if fault is Fault.ERROR_500:
        return problem(500, "INJECTED_FAULT", "Internal Server Error", "injected 500, not applied")
    if fault is Fault.TIMEOUT:
        await asyncio.sleep(dice.timeout_delay)
        if not dice.coin():
            return problem(504, "INJECTED_FAULT", "Gateway Timeout", "timed out, not applied")
    if fault is Fault.SLOW:
        await asyncio.sleep(dice.slow_delay)
    doc = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    try:
        resource, created = state.store.apply(key, doc, str(request.base_url))
    except Conflict as exc:
        return problem(409, "IDEMPOTENCY_KEY_REUSED", "Conflict", str(exc))
    if fault is Fault.LOST:
        request.scope[_DROP].drop(rst=dice.coin())
    return JSONResponse(resource, status_code=201 if created else 200)


def _add_admin_routes(api: FastAPI, state: FakeChargingState) -> None:
    @api.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "applied": len(state.store), "inFlight": state.in_flight}

    @api.get("/admin/faults")
    def get_faults() -> dict[str, Any]:
        return state.dice.to_json()

    @api.post("/admin/faults")
    def set_faults(settings: FaultSettings) -> JSONResponse:
        try:
            rates = check_rates({Fault(k): v for k, v in settings.rates.items()})
        except InvalidInput as exc:
            return problem(422, "INVALID_FAULTS", "Unprocessable Entity", str(exc))
        dice = state.dice
        dice.rates = rates
        dice.slow_delay = dice.slow_delay if settings.slow_delay is None else settings.slow_delay
        dice.timeout_delay = (
            dice.timeout_delay if settings.timeout_delay is None else settings.timeout_delay
        )
        if settings.seed is not None:
            dice.seed = settings.seed
            dice.rng.seed(settings.seed)
        return JSONResponse(dice.to_json())


def _add_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "INVALID_JSON", "Bad Request", "the body is not valid JSON")
        first = errors[0] if errors else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}"
        return problem(422, "INVALID_BODY", "Unprocessable Entity", message)

    @api.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, f"HTTP_{exc.status_code}", str(exc.detail), exc.detail)


class _DropFlag:
    def __init__(self) -> None:
        self.requested = False
        self.rst = False

    def drop(self, *, rst: bool) -> None:
        self.requested, self.rst = True, rst


class DropConnection:
    """Outermost ASGI layer: when a route asked for it, close the socket instead of answering.

    ASGI has no message for "hang up", so this reaches the server's transport through the
    `send` callable uvicorn hands the app (a method of its per-request cycle object). It
    needs uvicorn with the h11 protocol on the asyncio loop, which `serve` pins (uvloop, which
    uvicorn picks when installed, has transports of its own); elsewhere it raises.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        flag = _DropFlag()
        scope[_DROP] = flag

        async def send_or_drop(message: Message) -> None:
            if not flag.requested:
                await send(message)
            elif message["type"] == "http.response.start":
                await _hang_up(send, rst=flag.rst)

        await self.app(scope, receive, send_or_drop)


async def _hang_up(send: Send, *, rst: bool) -> None:
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if not isinstance(transport, asyncio.Transport):
        raise RuntimeError("fake charging can drop connections only under uvicorn (h11)")
    if rst:
        transport.abort()
    else:
        transport.close()
    await asyncio.sleep(0)  # let uvicorn see the connection gone, so it stays silent


def serve(app: ASGIApp, *, host: str, port: int, on_ready: Callable[[str], None] = print) -> None:
    """Run until interrupted; `on_ready(url)` once the port listens (port 0: any free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        http="h11",
        loop="asyncio",  # uvloop's transports are not asyncio.Transport; `lost` needs one
        lifespan="off",
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=1,
        backlog=2048,
    )
    on_ready(f"http://{host if family == socket.AF_INET else f'[{host}]'}:{bound}")
    uvicorn.Server(config).run(sockets=[sock])
