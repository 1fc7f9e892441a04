"""A fast lane for the API's most frequent request: a progress lookup by a known caller.

FastAPI spends about as much CPU on routing and resolving the lookup's dependencies
(context, bearer credential, caller, permission) as the lookup itself costs. This pure ASGI
middleware sits inside the security middlewares (Guard, SecurityHeaders, RequestTelemetry
see every request as before) and answers `GET /api/v1/customers/{id}/progress` itself
only in the common case, with the route's own parts: a credential the credential cache
already holds (`CredentialCache.cached`, the same check `get_caller` makes first), which
may read that customer (`require_customer`), whose snapshot still answers
(`stored_lookup`), rendered by `progress_json` into the same JSONResponse. Anything
else (no, unknown or uncached credential, another customer's id, an id the route refuses,
an unknown customer, a snapshot to re-project, any error) goes on to the route, which
answers exactly as without this lane; so does the first lookup of each credential, which
the route authenticates and caches.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.datastructures import Headers

from selfcare.domain.events import MAX_ID_LENGTH
from selfcare.errors import SelfcareError
from selfcare.web.api.customers import progress_json, read_progress, router, stored_lookup
from selfcare.web.deps import WebContext
from selfcare.web.guard import ASGIApp, Receive, Scope, Send


def lookup_route() -> APIRoute:
    """The lookup's route: its pattern finds the customer id, its template labels the
    request in logs and metrics as the route itself would."""
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is read_progress)


class ProgressFastLane:
    """The middleware described above; `create_app` installs it inside Guard."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.route = lookup_route()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            found = self.route.path_regex.match(scope["path"])
            if found is not None:
                answer = await self._answer(scope, found["customer_id"])
                if answer is not None:
                    await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, customer_id: str) -> JSONResponse | None:
        if len(customer_id) > MAX_ID_LENGTH:
            return None
        ctx: WebContext = scope["app"].state.selfcare
        scheme, _, secret = Headers(scope=scope).get("authorization", "").partition(" ")
        caller = ctx.authenticate.cached(secret.strip()) if scheme.lower() == "bearer" else None
        if caller is None:
            return None
        today = ctx.app.today()
        try:
            caller.require_customer(customer_id)
            found = await stored_lookup(ctx, customer_id, today)
        except SelfcareError:
            return None
        if found.progress is None:
            return None
        scope["path_params"] = {"customer_id": customer_id}
        scope["route"] = self.route
        return JSONResponse(progress_json(ctx.app, found.progress, today, found.refused))
