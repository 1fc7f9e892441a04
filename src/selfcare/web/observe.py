"""One log line and one latency observation per HTTP request, with a request id.

A pure ASGI middleware, so it sees every response (errors and streamed bodies included)
and costs two clock reads. The route is the matched template (`/api/v1/customers/
{customer_id}/progress`), never the path as sent: no customer id, token or query string
reaches a metric label or the log line. Requests that matched no route share one label.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from selfcare.telemetry.logs import fields
from selfcare.telemetry.metrics import Metrics, status_class

log = logging.getLogger("selfcare.access")
REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UNMATCHED = "unmatched"


class RequestTelemetry:
    """Times each request, labels it by route template, logs it and answers its id."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status, recorded = 500, False

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                self._record(scope, status, time.perf_counter() - started, request_id)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                record()  # before the last bytes leave: the caller never sees it unrecorded
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            record()  # a request that failed before its answer was complete

    def _record(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        route, method = route_template(scope), str(scope["method"])
        self.metrics.request_seconds.labels(route, method, status_class(status)).observe(seconds)
        details = fields(
            method=method,
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 2),
            request_id=request_id,
        )
        log.info("request", extra=details)


def route_template(scope: Scope) -> str:
    """The template of the route that served the request (`unmatched` when none did).

    A route included with a prefix (`include_router(..., prefix="/speedtest")`) knows only
    its own part (`/login`); the prefix is the literal head of the path that its pattern
    does not cover, so it is taken from there (`/speedtest/login`).
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if not isinstance(template, str) or not template:
        return UNMATCHED
    pattern, path = getattr(route, "path_regex", None), str(scope.get("path", ""))
    if pattern is None or pattern.match(path):
        return template
    for cut in range(1, len(path)):
        if path[cut] == "/" and pattern.match(path[cut:]):
            return path[:cut] + template
    return template


def _request_id(scope: Scope) -> str:
    """The caller's `X-Request-ID` when it is a plain short id, else a fresh one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            sent = bytes(value).decode("latin-1")
            if _GOOD_ID.fullmatch(sent):
                return sent
    return uuid.uuid4().hex
