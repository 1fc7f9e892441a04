"""What the server itself saw of a browser speed test: bytes and time per direction.

A measurement feeds the evidence page and the hotline pass, so it must not be a number
the browser merely claims. The server issues a test id when a test starts (bound to the
customer), counts the bytes it served (`garbage`) and received (`empty`) for that test,
timed by its own clock, and computes the speeds from those. A result without such
traffic is refused, and a test gives one result only. The browser's own figures may be
shown beside the server's, never instead of them.

Like the browser, the server drops a warm-up (TCP slow start) at the start of each
direction: only bytes that arrive after it count, over the time from its end to the last
byte. The record lives in the serving process's memory (a test lasts seconds); tests not
finished within `ttl` are forgotten, and a customer has at most `per_customer` open.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from selfcare.errors import InvalidInput, SelfcareError

MAX_DURATION_S = 15


class Direction(StrEnum):
    DOWN = "down"
    UP = "up"


class UnknownTest(SelfcareError, LookupError):
    """No open test with this id for this customer (never issued, finished or expired)."""


class NoTraffic(InvalidInput):
    """A result for a test whose transfers the server did not see (or not enough of them)."""


def warmups(duration_s: int) -> tuple[timedelta, timedelta]:
    """The warm-up dropped per direction for a test of `duration_s` seconds (down, up):
    1.5 s and 3 s as LibreSpeed, shortened for short tests; the page uses the same."""
    return (
        timedelta(milliseconds=min(1500, duration_s * 250)),
        timedelta(milliseconds=min(3000, duration_s * 300)),
    )


@dataclass
class _Flow:
    """Bytes of one direction: all of them, and those after the warm-up with their span."""

    warmup: timedelta
    started: datetime | None = None
    total: int = 0
    counted: int = 0
    last: datetime | None = None

    def begin(self, at: datetime) -> None:
        if self.started is None:
            self.started = at

    def add(self, nbytes: int, at: datetime) -> None:
        self.begin(at)
        assert self.started is not None  # noqa: S101 (set just above)
        self.total += nbytes
        if at >= self.started + self.warmup:
            self.counted += nbytes
            self.last = at

    def kbps(self) -> int | None:
        """kbit/s of TCP payload after the warm-up (bits per millisecond), or None."""
        if self.started is None or self.last is None or self.counted == 0:
            return None
        span_ms = (self.last - (self.started + self.warmup)) / timedelta(milliseconds=1)
        return round(self.counted * 8 / span_ms) if span_ms > 0 else None


@dataclass
class _Test:
    customer_id: str
    issued_at: datetime
    flows: dict[Direction, _Flow] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ServerFigures:
    """What the server measured for one test: when it began and the speeds it saw."""

    test_id: str
    started_at: datetime
    download_kbps: int
    upload_kbps: int
    download_bytes: int
    upload_bytes: int


class Tally:
    """Counts the bytes of one transfer of one test as they pass, on the server's clock."""

    def __init__(self, flow: _Flow, lock: threading.Lock, clock: Callable[[], datetime]) -> None:
        self._flow, self._lock, self._clock = flow, lock, clock
        with lock:
            flow.begin(clock())

    def add(self, nbytes: int) -> None:
        at = self._clock()
        with self._lock:
            self._flow.add(nbytes, at)


class TestTraffic:
    """The open tests of this process and the traffic each has seen (thread-safe)."""

    __test__ = False  # not a pytest class, despite the name

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        ttl: timedelta = timedelta(minutes=10),
        per_customer: int = 3,
        at_most: int = 10_000,
    ) -> None:
        self._clock, self._ttl = clock, ttl
        self._per_customer, self._at_most = per_customer, at_most
        self._lock = threading.Lock()
        self._tests: OrderedDict[str, _Test] = OrderedDict()

    def start(self, customer_id: str, *, duration_s: int) -> tuple[str, timedelta, timedelta]:
        """Issue a test id for this customer; (id, warm-up down, warm-up up)."""
        if not 1 <= duration_s <= MAX_DURATION_S:
            raise InvalidInput(f"duration: 1 to {MAX_DURATION_S} seconds")
        down, up = warmups(duration_s)
        test_id = secrets.token_urlsafe(18)
        test = _Test(
            customer_id, self._clock(), {Direction.DOWN: _Flow(down), Direction.UP: _Flow(up)}
        )
        with self._lock:
            self._forget_old(customer_id)
            self._tests[test_id] = test
        return test_id, down, up

    def tally(self, test_id: str, customer_id: str, direction: Direction) -> Tally:
        """A counter for one transfer of an open test of this customer (UnknownTest else)."""
        with self._lock:
            test = self._open(test_id, customer_id)
            flow = test.flows[direction]
        return Tally(flow, self._lock, self._clock)

    def finish(self, test_id: str, customer_id: str) -> ServerFigures:
        """Close the test and give what the server measured; NoTraffic unless both
        directions carried bytes after their warm-up."""
        with self._lock:
            test = self._open(test_id, customer_id)
            del self._tests[test_id]
        down, up = test.flows[Direction.DOWN], test.flows[Direction.UP]
        down_kbps, up_kbps = down.kbps(), up.kbps()
        if down_kbps is None or up_kbps is None or down.started is None:
            missing = "download" if down_kbps is None else "upload"
            raise NoTraffic(
                f"test {test_id}: the server saw no {missing} after the warm-up; "
                "the result is not stored (run the test on this page)"
            )
        return ServerFigures(test_id, down.started, down_kbps, up_kbps, down.total, up.total)

    def _open(self, test_id: str, customer_id: str) -> _Test:
        test = self._tests.get(test_id)
        if test is None or test.customer_id != customer_id:
            raise UnknownTest("no open speed test with this id for you; start a new test")
        if self._clock() - test.issued_at > self._ttl:
            del self._tests[test_id]
            raise UnknownTest("the speed test expired; start a new test")
        return test

    def _forget_old(self, customer_id: str) -> None:
        """Drop expired tests, the customer's oldest beyond `per_customer`, and the oldest
        overall beyond `at_most` (memory stays bounded whatever clients do)."""
        now = self._clock()
        for test_id in [k for k, t in self._tests.items() if now - t.issued_at > self._ttl]:
            del self._tests[test_id]
        own = [k for k, t in self._tests.items() if t.customer_id == customer_id]
        for test_id in own[: max(0, len(own) - self._per_customer + 1)]:
            del self._tests[test_id]
        while len(self._tests) >= self._at_most:
            self._tests.popitem(last=False)
