"""Small builders for grants tests: top-up requests, applied top-ups, an in-process client."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import ASGIApp

from selfcare.grants.charging import AppliedTopUp, TopUpRequest


def topup(grant_id: str = "g-1", *, customer_id: str = "c-1", amount_mb: int = 600) -> TopUpRequest:
    return TopUpRequest(
        grant_id=grant_id,
        customer_id=customer_id,
        reward="portal_registration",
        period="once",
        amount_mb=amount_mb,
        reason="Online statt Hotline: portal registration",
    )


def applied(
    topup_id: str,
    key: str | None,
    *,
    customer_id: str = "c-1",
    amount_mb: int = 600,
    grant_id: str | None = None,
    units: str = "MB",
) -> AppliedTopUp:
    return AppliedTopUp(
        id=topup_id,
        idempotency_key=key,
        customer_id=customer_id,
        amount_mb=amount_mb,
        units=units,
        grant_id=grant_id if grant_id is not None else key,
    )


class SyncASGITransport(httpx.BaseTransport):
    """Lets a plain `httpx.Client` call an ASGI app in-process (no sockets, no threads).

    httpx's own ASGITransport is async-only; each request here runs on a fresh event loop,
    which the fake charging app allows because it keeps no loop-bound state.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return asyncio.run(self._handle(request))

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=content)


def in_process_client(app: ASGIApp, base_url: str = "http://testserver") -> httpx.Client:
    """An httpx client whose requests go straight into `app`."""
    return httpx.Client(base_url=base_url, transport=SyncASGITransport(app))
