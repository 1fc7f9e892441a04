"""The door to the charging system: TMF654 top-ups that are applied exactly once.

A grant reaches the customer only as a data top-up at the operator's charging system. The
network between us can fail in two ways that look alike but mean opposite things: the
top-up was not applied (send it again) or it was applied and only the answer was lost
(sending it again must not pay twice). The grant id travels as `Idempotency-Key`, so a
retry is always safe, and the errors below say only whether a retry can help.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    stop_never,
    wait_exponential_jitter,
)

from selfcare.errors import InvalidInput, SelfcareError

TOPUP_PATH = "/topupBalance"
IDEMPOTENCY_HEADER = "Idempotency-Key"
UNITS = "MB"


class ChargingUnavailable(SelfcareError, ConnectionError):
    """The charging system did not give a usable answer (5xx, timeout, dropped connection).

    The top-up may or may not have been applied; sending it again with the same key is
    safe and is what the relay does.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ChargingRejected(SelfcareError, ValueError):
    """The charging system itself refused the top-up (a 4xx with its TMF error body):
    sending it again unchanged will not help; an operator may resend once the cause is
    fixed (`selfcare grants resend`)."""

    def __init__(self, message: str, *, status: int, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True, slots=True)
class TopUpRequest:
    """One grant as the charging system should apply it; `grant_id` is the idempotency key."""

    grant_id: str
    customer_id: str
    reward: str
    period: str
    amount_mb: int
    reason: str = "selfcare reward"
    product_id: str | None = None
    channel: str = "selfcare"


@dataclass(frozen=True, slots=True)
class TopUpResult:
    """The charging system's receipt; `replayed` when the key was already known (HTTP 200)."""

    id: str
    href: str
    status: str
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class AppliedTopUp:
    """A top-up the charging system reports as applied, as reconciliation needs it."""

    id: str
    idempotency_key: str | None
    customer_id: str
    amount_mb: int
    units: str = UNITS
    grant_id: str | None = None
    status: str = "completed"
    href: str = ""


class Fault(StrEnum):
    """Failures a fake charging system can inject; each tests one way a top-up goes wrong."""

    ERROR_500 = "500"  # answered 500, nothing applied
    TIMEOUT = "timeout"  # no answer in time (the in-memory fake: nothing applied)
    SLOW = "slow"  # answered late but correctly
    LOST = "lost"  # applied, then the connection dropped before the answer
    REJECT = "reject"  # answered 422 (in-memory fake only): a permanent refusal


class ChargingClient(Protocol):
    """What the relay and reconciliation need from a charging system."""

    def top_up(self, request: TopUpRequest) -> TopUpResult:
        """Apply one top-up at most once per `grant_id`; raise Unavailable or Rejected."""
        ...

    def list_applied(self) -> list[AppliedTopUp]:
        """Every top-up the charging system holds as applied."""
        ...


class FakeChargingClient:
    """An in-memory charging system for unit tests: dedupes by key, faults from a script.

    Each `top_up` call takes the next fault from the script (none when it is empty), so a
    test says exactly which attempt fails and how. `honour_idempotency_key=False` makes a
    charging system that pays every retry, to show what the key protects against.
    """

    def __init__(
        self, faults: Iterable[Fault | None] = (), *, honour_idempotency_key: bool = True
    ) -> None:
        self._lock = threading.Lock()
        self._script: deque[Fault | None] = deque(faults)
        self._by_key: dict[str, AppliedTopUp] = {}
        self._applied: list[AppliedTopUp] = []
        self._honour_key = honour_idempotency_key
        self.attempts: list[str] = []

    def script(self, *faults: Fault | None) -> None:
        """Queue faults for the next calls, in order (None: that call succeeds)."""
        with self._lock:
            self._script.extend(faults)

    def top_up(self, request: TopUpRequest) -> TopUpResult:
        with self._lock:
            fault = self._script.popleft() if self._script else None
            self.attempts.append(request.grant_id)
        if fault in (Fault.ERROR_500, Fault.TIMEOUT):
            raise ChargingUnavailable(f"fake charging: {fault} for {request.grant_id}")
        if fault is Fault.REJECT:
            raise ChargingRejected(f"fake charging: rejected {request.grant_id}", status=422)
        result = self._apply(request)
        if fault is Fault.LOST:
            raise ChargingUnavailable(f"fake charging: answer lost for {request.grant_id}")
        return result

    def list_applied(self) -> list[AppliedTopUp]:
        with self._lock:
            return list(self._applied)

    def _apply(self, request: TopUpRequest) -> TopUpResult:
        with self._lock:
            known = self._by_key.get(request.grant_id) if self._honour_key else None
            if known is not None:
                return TopUpResult(known.id, known.href, known.status, replayed=True)
            topup_id = f"fake-{len(self._applied) + 1}"
            applied = AppliedTopUp(
                id=topup_id,
                idempotency_key=request.grant_id,
                customer_id=request.customer_id,
                amount_mb=request.amount_mb,
                grant_id=request.grant_id,
                href=f"{TOPUP_PATH}/{topup_id}",
            )
            self._by_key.setdefault(request.grant_id, applied)
            self._applied.append(applied)
            return TopUpResult(applied.id, applied.href, applied.status)


def send_with_retry(
    client: ChargingClient,
    request: TopUpRequest,
    *,
    attempts: int = 6,
    max_wait: float = 30.0,
    initial_wait: float = 0.5,
    deadline: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_attempt: AttemptObserver | None = None,
) -> TopUpResult:
    """Send one top-up, retrying only while the charging system is unavailable.

    Waits grow exponentially from `initial_wait` with random jitter (so many relays that
    failed together do not retry together), each capped at `max_wait`; at most `attempts`
    tries and, with `deadline`, no new try after that many seconds. A rejection is final
    and raised at once; after the last failed try the last ChargingUnavailable is raised
    and the grant stays in the outbox. `sleep` is injectable so tests do not wait;
    `on_attempt` hears of every try (its number, outcome and HTTP status) for logs and
    metrics.
    """
    if attempts < 1:
        raise InvalidInput(f"attempts must be at least 1, got {attempts}")
    within_time = stop_never if deadline is None else stop_after_delay(deadline)
    retrying = Retrying(
        retry=retry_if_exception_type(ChargingUnavailable),
        stop=stop_after_attempt(attempts) | within_time,
        wait=wait_exponential_jitter(multiplier=initial_wait, max=max_wait, jitter=initial_wait),
        sleep=sleep,
        reraise=True,
    )
    send = client.top_up if on_attempt is None else _observed(client.top_up, on_attempt)
    return retrying(send, request)


AttemptObserver = Callable[[int, str, int | None], None]
"""Hears of one try: its number (from 1), `confirmed`/`unavailable`/`rejected`, status."""


def _observed(
    send: Callable[[TopUpRequest], TopUpResult], observe: AttemptObserver
) -> Callable[[TopUpRequest], TopUpResult]:
    """`send`, telling `observe` how each try went (then returning or raising as it did)."""
    tries = itertools.count(1)

    def attempt(request: TopUpRequest) -> TopUpResult:
        number = next(tries)
        try:
            result = send(request)
        except ChargingRejected as exc:
            observe(number, "rejected", exc.status)
            raise
        except ChargingUnavailable as exc:
            observe(number, "unavailable", exc.status)
            raise
        observe(number, "confirmed", 200 if result.replayed else 201)
        return result

    return attempt
