"""Rate limits: small in-process token buckets per client and per customer (429 + Retry-After).

They guard what costs the operator something or helps a guesser: login attempts, token
issue, measurements and the bandwidth of the speed test. In-process on purpose: one
`selfcare serve` is the deployment; several processes each keep their own buckets, so
the effective limit is the per-process one times the number of processes.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from selfcare.web.errors import SelfcareHTTPError

MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Rate:
    """`burst` requests at once, then one more every `every_s` seconds."""

    burst: int
    every_s: float


@dataclass(frozen=True)
class RateLimits:
    """The limits in force; tests pass tighter or looser ones to `create_app`."""

    login_per_client: Rate = Rate(20, 6.0)
    token_per_client: Rate = Rate(120, 1.0)
    token_per_customer: Rate = Rate(10, 60.0)
    measure_per_client: Rate = Rate(200, 5.0)
    measure_per_customer: Rate = Rate(60, 30.0)
    transfer_per_client: Rate = Rate(600, 0.2)
    transfer_per_customer: Rate = Rate(300, 0.5)
    operator_login_per_client: Rate = Rate(20, 6.0)
    operator_login_per_account: Rate = Rate(5, 60.0)
    join_per_client: Rate = Rate(10, 30.0)  # invitation codes typed at /join
    join_per_code: Rate = Rate(5, 120.0)


class RateLimited(SelfcareHTTPError):
    """Too many requests; `retry_after` whole seconds until the next one is allowed."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(429, "too_many_requests", f"too many {what}; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass
class TokenBuckets:
    """Buckets by key; a full table is cleared rather than grown (bounded memory)."""

    clock: Callable[[], float] = time.monotonic
    _buckets: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, rate: Rate, kind: str, key: str) -> float:
        """Take one token; 0 when allowed, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get((kind, key), (float(rate.burst), now))
            tokens = min(float(rate.burst), tokens + (now - then) / rate.every_s)
            if tokens < 1.0:
                self._buckets[(kind, key)] = (tokens, now)
                return (1.0 - tokens) * rate.every_s
            if len(self._buckets) >= MAX_BUCKETS:
                self._buckets.clear()
            self._buckets[(kind, key)] = (tokens - 1.0, now)
            return 0.0

    def check(self, rate: Rate, kind: str, key: str, what: str) -> None:
        """Raise RateLimited when the bucket `kind`/`key` is empty."""
        wait = self.take(rate, kind, key)
        if wait > 0:
            raise RateLimited(what, max(1, math.ceil(wait)))
