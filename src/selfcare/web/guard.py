"""The first thing every request meets: who may send a body, from where, and how much.

A pure ASGI middleware, so it acts before FastAPI reads anything (FastAPI reads a
route's whole body before it resolves the route's dependencies, authentication
included). In this order:

1. Same origin: a state-changing request to the customer pages (`/speedtest/…`, `/me…`,
   `/check`, `/join`, `/login`, `/logout`) whose `Origin`, or failing that `Referer`,
   names another site is refused with 403 (login CSRF). Browsers that send neither (IE11
   sends no `Origin` on forms) are held by the forms' CSRF token.
2. Authentication first: a state-changing API request needs a valid `Authorization:
   Bearer` credential, a state-changing page request a valid session, except login,
   logout and the pages that also work logged out (call checker, sign-up); without one
   the answer is 401 and not one byte of the body is read.
3. Size: a body longer than the route's limit (Content-Length, or the bytes actually
   streamed, chunked included) is refused with 413 the moment the limit is passed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

from selfcare.auth.principals import NotAuthenticated
from selfcare.web.deps import BodyLimits, WebContext
from selfcare.web.errors import problem_response
from selfcare.web.pages.session import SESSION_COOKIE, session_of

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAGES = "/speedtest/"
CUSTOMER_PAGES = frozenset({"/me", "/check", "/join", "/login", "/logout"})
SESSIONLESS_PAGES = frozenset(
    {"/speedtest/login", "/speedtest/logout", "/login", "/logout", "/check", "/join"}
)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body passes its limit; answered as 413 problem+json."""

    code = "content_too_large"  # as every other 413 (HTTPStatus says "Request Entity Too Large")

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


def body_limit(limits: BodyLimits, method: str, path: str) -> int:
    """The largest body accepted on this route (bytes)."""
    del method
    if path == "/api/v1/events":
        return limits.event
    if path == "/api/v1/events:batch":
        return limits.batch
    if path == "/speedtest/empty":
        return limits.upload
    return limits.default


def is_page(path: str) -> bool:
    """Whether `path` is one of the customer's pages (forms with cookies, not the API)."""
    return path.startswith((PAGES, "/me/")) or path in CUSTOMER_PAGES


def same_origin(headers: Headers, scheme: str) -> bool:
    """False when Origin (else Referer) names a site other than the Host asked for."""
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None and origin != "null":  # "null": a no-referrer page; token decides
        return _origin_of(origin) == f"{scheme}://{host}".lower()
    referer = headers.get("referer")
    return referer is None or _origin_of(referer) == f"{scheme}://{host}".lower()


def _origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


class Guard:
    """The middleware described above; `create_app` installs it outermost but one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx: WebContext = scope["app"].state.selfcare
        method, path = scope["method"], scope["path"]
        headers = Headers(scope=scope)
        refusal = await self._refusal(ctx, method, path, headers, scope.get("scheme", "http"))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit = body_limit(ctx.limits, method, path)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit, path)(scope, receive, send)
            return
        await self._capped(scope, receive, send, limit)

    async def _refusal(
        self, ctx: WebContext, method: str, path: str, headers: Headers, scheme: str
    ) -> Any:
        if method in SAFE_METHODS:
            return None
        if is_page(path) and not same_origin(headers, scheme):
            return problem_response(
                403, "forbidden", "cross-site request refused (Origin/Referer)", instance=path
            )
        try:
            if path.startswith("/api/"):
                await _bearer(ctx, headers)
            elif is_page(path) and path not in SESSIONLESS_PAGES:
                await ctx.read(session_of, ctx, _cookie(headers, SESSION_COOKIE))
        except NotAuthenticated as exc:
            return problem_response(401, "unauthenticated", str(exc), instance=path)
        return None

    async def _capped(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(limit, scope["path"])(scope, receive, send)


async def _bearer(ctx: WebContext, headers: Headers) -> None:
    scheme, _, secret = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticated("send Authorization: Bearer <API key or customer token>")
    secret = secret.strip()
    if ctx.authenticate.cached(secret) is None:
        await ctx.read(ctx.authenticate, secret)


def _cookie(headers: Headers, name: str) -> str:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    raise NotAuthenticated("log in first: open /login with your customer link")


def _too_large(limit: int, path: str) -> Any:
    return problem_response(
        413,
        "content_too_large",
        f"request body larger than {limit} bytes",
        instance=path,
        limit=limit,
    )
