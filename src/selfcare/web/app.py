"""The web application: the JSON API on top of a wired selfcare (`bootstrap.build`).

`create_app()` is the only way the API is made: `selfcare serve`, tests and benchmarks all
go through it, handing in an `App` built with real parts or fakes.
"""

from __future__ import annotations

from fastapi import FastAPI

from selfcare import __version__
from selfcare.bootstrap import App, build
from selfcare.config import Settings
from selfcare.web import errors, openapi
from selfcare.web.api import customers, events, health, metrics, operator
from selfcare.web.deps import BodyLimits, WebContext
from selfcare.web.fastlane import ProgressFastLane
from selfcare.web.guard import Guard
from selfcare.web.headers import SecurityHeaders
from selfcare.web.observe import RequestTelemetry
from selfcare.web.pages import customer, customer_auth, join
from selfcare.web.pages.operator_console import mount_console
from selfcare.web.pages.speedtest import mount_speedcheck
from selfcare.web.ratelimit import RateLimits

DESCRIPTION = """\
Event ingest, customer progress and the grants ledger of a selfcare program.

Authenticate with `Authorization: Bearer KEY`: an operator API key (`selfcare apikey
create`, scopes `events:write`, `grants:read`, `pilot:admin`, `customers:token`,
`metrics:read`) or a customer token, which reads only its own customer. Errors are RFC 9457
`application/problem+json` with the TM Forum fields `code`, `reason`, `message`.
"""


def create_app(
    app: App | None = None,
    *,
    settings: Settings | None = None,
    limits: BodyLimits | None = None,
    rate_limits: RateLimits | None = None,
    credential_ttl_s: float = 10.0,
) -> FastAPI:
    """The FastAPI application for a wired selfcare (built from `settings` when not given).

    `/docs` and `/redoc` exist only when the settings ask for them (`api_docs`); the
    OpenAPI document itself stays, clients are generated from it.
    """
    wired = app if app is not None else build(settings)
    docs = wired.settings.api_docs
    api = FastAPI(
        title="selfcare",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    api.state.selfcare = WebContext(
        app=wired,
        limits=limits or BodyLimits(),
        rate_limits=rate_limits or RateLimits(),
        credential_ttl_s=credential_ttl_s,
    )
    api.add_middleware(ProgressFastLane)
    api.add_middleware(Guard)
    api.add_middleware(SecurityHeaders)
    errors.install(api)
    for module in (health, events, customers, operator):
        api.include_router(module.router)
    if wired.settings.metrics_api:
        api.include_router(metrics.router)
    mount_speedcheck(api, wired)
    mount_console(api)
    api.include_router(customer_auth.router)
    api.include_router(customer.router)
    api.include_router(join.router)
    openapi.install(api)
    api.add_middleware(RequestTelemetry, metrics=wired.metrics)
    return api
