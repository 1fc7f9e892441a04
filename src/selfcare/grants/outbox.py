"""The outbox relay: sends each queued top-up to the charging system until it is confirmed.

Crash-safe by construction. A worker claims a few outbox rows with a lease (on PostgreSQL
`FOR UPDATE SKIP LOCKED`, so relays never wait for each other), sends them with the grant id
as `Idempotency-Key`, and marks each confirmed in its own transaction. If the process dies
at any point, the lease runs out and another run sends the same top-up again under the
same key, which the charging system applies at most once. Retries back off with jitter:
a few quick ones in process (tenacity), then the row waits in the database.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from selfcare.domain.ledger import Claim, GrantRecord
from selfcare.grants.charging import (
    ChargingClient,
    ChargingRejected,
    ChargingUnavailable,
    TopUpRequest,
    send_with_retry,
)
from selfcare.store.ports import UnitOfWork
from selfcare.store.retry import retry_on_contention
from selfcare.telemetry.logs import fields
from selfcare.telemetry.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RelaySettings:
    """How hard the relay pushes: workers, claim size, lease, retry pacing."""

    workers: int = 8
    per_claim: int = 4
    lease: timedelta = timedelta(seconds=30)
    attempts: int = 3
    initial_wait: float = 0.2
    max_wait: float = 5.0
    backoff_cap: timedelta = timedelta(minutes=5)
    idle_s: float = 1.0


@dataclass
class RelayStats:
    """Counts of one relay run (thread-safe increments)."""

    confirmed: int = 0
    deferred: int = 0
    rejected: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


def relay_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def topup_request(grant: GrantRecord) -> TopUpRequest:
    return TopUpRequest(
        grant_id=grant.grant_id,
        customer_id=grant.customer_id,
        reward=grant.reward,
        period=grant.period,
        amount_mb=grant.amount_mb,
        reason=f"selfcare reward {grant.reward}",
    )


class Relay:
    """Moves top-ups from the outbox to the charging system; run one or many at once."""

    def __init__(
        self,
        *,
        uow: Callable[..., UnitOfWork],
        charging: ChargingClient,
        clock: Callable[[], datetime],
        settings: RelaySettings = RelaySettings(),
        sleep: Callable[[float], None] = time.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self.uow, self.charging, self.clock = uow, charging, clock
        self.settings, self.sleep = settings, sleep
        self.metrics = metrics if metrics is not None else Metrics()
        self.id = relay_id()
        self.stats = RelayStats()

    def claim(self) -> list[Claim]:
        """Lease a few due rows to this relay (one short transaction)."""

        def work() -> list[Claim]:
            now = self.clock()
            with self.uow() as unit:
                claimed = unit.outbox.claim(
                    self.id, now, now + self.settings.lease, self.settings.per_claim
                )
                unit.commit()
                return claimed

        return retry_on_contention(work)

    def deliver(self, claim: Claim, deadline: float) -> None:
        """Send one top-up and record the outcome; never raises for charging failures."""
        outbox_id, grant_id = claim.outbox_id, claim.grant.grant_id
        request = topup_request(claim.grant)
        try:
            result = send_with_retry(
                self.charging,
                request,
                attempts=self.settings.attempts,
                initial_wait=self.settings.initial_wait,
                max_wait=self.settings.max_wait,
                deadline=deadline,
                sleep=self.sleep,
                on_attempt=self._observer(claim),
            )
        except ChargingRejected as exc:
            refusal = str(exc)
            self._record(lambda u: u.outbox.reject(outbox_id, grant_id, refusal, self.clock()))
            self.stats.count("rejected")
            log.warning("top-up %s rejected: %s", grant_id, refusal)
            return
        except ChargingUnavailable as exc:
            error, retry_at = str(exc), self.clock() + self._backoff(claim.attempts)
            self._record(lambda u: u.outbox.release(outbox_id, error, retry_at))
            self.stats.count("deferred")
            return
        self._record(lambda u: u.outbox.confirm(outbox_id, grant_id, result.id, self.clock()))
        self.stats.count("confirmed")

    def _observer(self, claim: Claim) -> Callable[[int, str, int | None], None]:
        """One log line and one count per try at the charging system: `attempt` is the
        try within this claim, `claim` how often the grant's top-up has been claimed."""

        def observe(number: int, outcome: str, status: int | None) -> None:
            self.metrics.relay_attempts.labels(outcome).inc()
            level = logging.INFO if outcome == "confirmed" else logging.WARNING
            details = fields(
                grant_id=claim.grant.grant_id,
                attempt=number,
                claim=claim.attempts,
                outcome=outcome,
                status_code=status,
                relay=self.id,
            )
            log.log(level, "topup attempt", extra=details)

        return observe

    def _backoff(self, grant_attempts: int) -> timedelta:
        """Exponential with full jitter, capped: relays that failed together spread out."""
        base = self.settings.initial_wait * (2 ** min(grant_attempts, 16))
        cap = self.settings.backoff_cap.total_seconds()
        return timedelta(seconds=random.uniform(0, min(cap, base)))  # noqa: S311 - jitter, not security

    def _record(self, change: Callable[[UnitOfWork], None]) -> None:
        def work() -> None:
            with self.uow() as unit:
                change(unit)
                unit.commit()

        retry_on_contention(work)

    def work_once(self) -> int:
        """Claim and deliver one handful of top-ups; the number claimed (0: nothing due)."""
        claimed = self.claim()
        per_send = self.settings.lease.total_seconds() * 0.8 / max(1, len(claimed))
        for claim in claimed:
            self.deliver(claim, per_send)
        return len(claimed)

    def open_count(self) -> int:
        with self.uow(read_only=True) as unit:
            return unit.outbox.open_count()

    def run(
        self,
        stop: threading.Event,
        *,
        drain: bool = False,
        tick: Callable[[], None] | None = None,
        tick_every_s: float = 60.0,
    ) -> RelayStats:
        """Work until `stop` is set (or, with `drain`, until the outbox has no open row).

        `tick` runs in this thread every `tick_every_s` (the settle job, budget release).
        """
        workers = [
            threading.Thread(
                target=self._worker, args=(stop, drain), daemon=True, name=f"relay-{n}"
            )
            for n in range(self.settings.workers)
        ]
        for worker in workers:
            worker.start()
        next_tick = 0.0
        while alive := [w for w in workers if w.is_alive()]:
            if tick is not None and time.monotonic() >= next_tick:
                _safely(tick)
                next_tick = time.monotonic() + tick_every_s
            alive[0].join(timeout=0.2)
        return self.stats

    def _worker(self, stop: threading.Event, drain: bool) -> None:
        while not stop.is_set():
            claimed = _safely(self.work_once) or 0
            if claimed:
                continue
            if drain and self.open_count() == 0:
                return
            stop.wait(self.settings.idle_s)


def _safely(job: Callable[[], int | None]) -> int | None:
    """Run a relay step; a failure (database away, bug) is logged and the loop goes on."""
    try:
        return job()
    except Exception:
        log.exception("relay step failed; retrying")
        time.sleep(1.0)
        return None


def start_relay_thread(
    relay: Relay,
    stop: threading.Event,
    *,
    tick: Callable[[], None] | None = None,
    tick_every_s: float = 60.0,
) -> threading.Thread:
    """Run the relay in a background thread (what `selfcare serve` does); set `stop` to end."""
    thread = threading.Thread(
        target=relay.run,
        args=(stop,),
        kwargs={"tick": tick, "tick_every_s": tick_every_s},
        daemon=True,
        name="selfcare-relay",
    )
    thread.start()
    return thread
