"""Security headers on every answer, and `Cache-Control: no-store` unless a route chose.

Pages get a Content Security Policy without inline script (the speed test's settings
travel as a JSON data block, its code as a same-origin file), may not be framed
(`frame-ancestors 'none'` and, for IE11, `X-Frame-Options: DENY`), are not sniffed as
another type, and send no Referer to other sites. Everything selfcare answers is about
one customer or one operator's program, so nothing is kept in shared or browser caches
unless a route says otherwise (the speed test's script). The interactive API docs, when
switched on, bring their own inline script and are left without the CSP.
"""

from __future__ import annotations

from selfcare.web.guard import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
DOCS = ("/docs", "/redoc")


def security_headers(path: str, present: set[bytes]) -> list[tuple[bytes, bytes]]:
    """The headers to add to an answer for `path` that already has `present` (lower case)."""
    added = [(name, value) for name, value in ALWAYS if name not in present]
    if b"content-security-policy" not in present and not path.startswith(DOCS):
        added.append((b"content-security-policy", CSP.encode()))
    if b"cache-control" not in present:
        added.append((b"cache-control", b"no-store"))
    return added


class SecurityHeaders:
    """Pure ASGI middleware adding `security_headers` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + security_headers(path, present)
            await send(message)

        await self.app(scope, receive, with_headers)
