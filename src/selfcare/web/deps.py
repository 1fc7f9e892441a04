"""What routes receive: the wired service, the caller, and the caller's right to act.

Every dependency is an `Annotated` alias, so a route's signature says what it needs:
`ctx: Ctx`, `caller: Caller`, `_: Requires[Scope.EVENTS_WRITE]` style checks via
`require(...)`.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from selfcare.auth.cache import CredentialCache
from selfcare.auth.principals import NotAuthenticated, Principal
from selfcare.auth.scopes import Scope
from selfcare.auth.service import authenticate
from selfcare.bootstrap import App
from selfcare.customers.queries import AsyncLookup, async_lookup
from selfcare.domain.events import MAX_ID_LENGTH
from selfcare.ingest.group import IngestQueue, ingest_group
from selfcare.web.ratelimit import RateLimits, TokenBuckets

T = TypeVar("T")
EVENT_BODY_LIMIT = 64 * 1024
BATCH_BODY_LIMIT = 16 * 1024 * 1024
DEFAULT_BODY_LIMIT = 64 * 1024
UPLOAD_BODY_LIMIT = 32 * 1024 * 1024


@dataclass(frozen=True)
class BodyLimits:
    """The largest request bodies accepted (bytes); larger ones are refused with 413.

    `event` and `batch` are the ingest routes, `upload` the speed test's upload (read and
    discarded), `default` every other route (forms, contract figures, token requests).
    """

    event: int = EVENT_BODY_LIMIT
    batch: int = BATCH_BODY_LIMIT
    upload: int = UPLOAD_BODY_LIMIT
    default: int = DEFAULT_BODY_LIMIT


@dataclass
class WebContext:
    """The wired selfcare plus what only the web layer needs (credential check, limits)."""

    app: App
    limits: BodyLimits = field(default_factory=BodyLimits)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    rates: TokenBuckets = field(default_factory=TokenBuckets)
    authenticate: CredentialCache = field(init=False)
    credential_ttl_s: float = 10.0
    _writer: AbstractContextManager[object] = field(init=False, repr=False)
    _sqlite: bool = field(init=False, repr=False)
    events: IngestQueue = field(init=False, repr=False)
    lookup: AsyncLookup | None = field(init=False, repr=False)
    """PostgreSQL: the progress lookup's read on the event loop (`async_lookup`); else None."""

    def __post_init__(self) -> None:
        uow = self.app.uow
        self.authenticate = CredentialCache(
            lambda secret: authenticate(uow=uow, secret=secret), ttl_s=self.credential_ttl_s
        )
        self._sqlite = self.app.engine.dialect.name == "sqlite"
        self._writer = threading.Lock() if self._sqlite else nullcontext()
        self.lookup = async_lookup(self.app.engine)
        self.events = IngestQueue(lambda group: self.write(ingest_group, self.app.ingestor, group))

    async def read(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a short read: on the event loop for SQLite (a page-cache read is cheaper
        than a thread hop), in the thread pool for PostgreSQL (its network round trips
        then release the loop)."""
        if self._sqlite:
            return work(*args, **kwargs)
        return await run_in_threadpool(work, *args, **kwargs)

    async def write(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a writing service call in the thread pool, one at a time on SQLite.

        SQLite has one writer; concurrent writers would wait in its busy handler, which
        sleeps in growing steps (up to 100 ms) and makes latency tails of seconds. A lock
        hands the write over at once. PostgreSQL writers run concurrently.
        """

        def locked() -> T:
            with self._writer:
                return work(*args, **kwargs)

        return await run_in_threadpool(locked)


def get_context(request: Request) -> WebContext:
    """The web context of the app serving `request` (a plain function, usable anywhere)."""
    context: WebContext = request.app.state.selfcare
    return context


async def _context(request: Request) -> WebContext:
    return get_context(request)


Ctx = Annotated[WebContext, Depends(_context)]

_bearer = HTTPBearer(
    auto_error=False,
    description="An operator API key (`selfcare apikey create`) or a customer token.",
)


async def get_caller(
    ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind `Authorization: Bearer …`; 401 when missing or unknown.

    Async on purpose, like every dependency here: a checked credential is remembered, so
    this is mostly CPU work; only a cache miss reads the database (`ctx.read`).
    """
    if credentials is None:
        raise NotAuthenticated("send Authorization: Bearer <API key or customer token>")
    secret = credentials.credentials
    known = ctx.authenticate.cached(secret)
    return known if known is not None else await ctx.read(ctx.authenticate, secret)


Caller = Annotated[Principal, Depends(get_caller)]


def require(scope: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only operator keys with `scope` through (403 otherwise)."""

    async def check(caller: Caller) -> Principal:
        caller.require(scope)
        return caller

    check.__name__ = f"require_{scope.name.lower()}"
    return check


EventsWriter = Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))]
PilotAdmin = Annotated[Principal, Depends(require(Scope.PILOT_ADMIN))]
TokenIssuer = Annotated[Principal, Depends(require(Scope.CUSTOMERS_TOKEN))]

CustomerIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="The operator's customer id (as in the events).",
        examples=["c1"],
    ),
]


async def customer_reader(customer_id: CustomerIdPath, caller: Caller) -> str:
    """The customer id, if the caller may read it: `grants:read`, or the customer's own
    token. Any other id is refused with 403 before anything is looked up, so the answer
    never reveals whether that customer exists."""
    caller.require_customer(customer_id)
    return customer_id


ReadableCustomer = Annotated[str, Depends(customer_reader)]
